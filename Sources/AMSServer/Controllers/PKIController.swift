import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// The public face of the CA, at the URLs written into every certificate: CRLs (`/pki/crl/<label>.crl`), CA
/// certificates (`/pki/ca/<label>.crt`) and the OCSP responder (`/pki/ocsp`, POST and GET). No session, no cookie.
struct PKIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pki = routes.grouped("pki")
        pki.get("crl", ":file", use: crl)
        pki.get("ca", ":file", use: caCertificate)
        pki.on(.POST, "ocsp", bodyLimit: OCSPRequestParser.maximumSize, use: ocspPost)
        pki.get("ocsp", "**", use: ocspGet)
        pki.on(.POST, "tsa", bodyLimit: TimeStampRequest.maximumSize, use: timeStamp)
    }

    static func label(_ file: String?, suffix: String) -> String? {
        guard let file, file.hasSuffix(suffix) else { return nil }
        let label = String(file.dropLast(suffix.count))
        return label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) && !label.isEmpty ? label : nil
    }

    @Sendable func crl(req: Request) async throws -> Response {
        let loaded = try await req.ams.caKeys.current(on: req.db)
        guard let label = Self.label(req.parameters.get("file"), suffix: ".crl"), let id = loaded.crlIssuerID(label: label),
              let state = try await CRLStateModel.query(on: req.db).filter(\.$authority.$id == id).first() else {
            throw DomainError.notFound
        }
        let now = req.ams.clock.now
        let response = Response(status: .ok, body: .init(data: state.der))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pkix-crl")
        let maxAge = max(0, min(3600, Int(state.nextUpdate.timeIntervalSince(now))))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform")
        response.headers.replaceOrAdd(name: .expires, value: HTTPDate.string(from: state.nextUpdate))
        response.headers.replaceOrAdd(name: .lastModified, value: HTTPDate.string(from: state.thisUpdate))
        response.headers.replaceOrAdd(name: .eTag, value: "\"\(label)-\(state.number)\"")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(label).crl\"")
        return response
    }

    @Sendable func caCertificate(req: Request) async throws -> Response {
        let loaded = try await req.ams.caKeys.current(on: req.db)
        guard let label = Self.label(req.parameters.get("file"), suffix: ".crt"), let authority = loaded.authority(label: label) else {
            throw DomainError.notFound
        }
        let response = Response(status: .ok, body: .init(data: Data(authority.der)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pkix-cert")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(label).crt\"")
        return response
    }

    /// RFC 3161 over HTTP (§3.4): a DER TimeStampReq in, a TimeStampResp out (`application/timestamp-reply`), for
    /// anyone. Requests AMS cannot honour get a rejection in the reply, not an HTTP error.
    @Sendable func timeStamp(req: Request) async throws -> Response {
        let loaded = try await req.ams.caKeys.current(on: req.db)
        guard let tsa = loaded.tsa else { throw DomainError(.serverBusy, "the time-stamping unit has no certificate yet") }
        let body = req.body.data.map { Array($0.readableBytesView) } ?? []
        let reply = try tsa.respond(to: body, now: req.ams.clock.now, serial: req.ams.serials.next())
        let response = Response(status: .ok, body: .init(data: Data(reply)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/timestamp-reply")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // The two OCSP routes are normally answered by FastPathResponder before the middleware chain; these
    // handlers give the same answers when a request reaches the router (and keep the routes in the route table).
    @Sendable func ocspPost(req: Request) async throws -> Response {
        try await Self.ocspAnswer(req.body.data.map { Array($0.readableBytesView) } ?? [], get: nil, services: req.ams,
                                  database: { req.db }, on: req.eventLoop).get()
    }

    /// RFC 6960 appendix A.1: GET with the DER request base64-encoded (then URL-encoded) as the last path part.
    @Sendable func ocspGet(req: Request) async throws -> Response {
        try await Self.ocspGetAnswer(req.parameters.getCatchall().joined(separator: "/"), headers: req.headers,
                                     services: req.ams, database: { req.db }, on: req.eventLoop).get()
    }

    /// Any other method on the responder's URLs (answered by ``FastPathResponder``): 405 with the methods it takes.
    static func ocspMethodNotAllowed() -> Response {
        let response = Response(status: .methodNotAllowed)
        response.headers.replaceOrAdd(name: .allow, value: "GET, POST")
        return response
    }

    /// The answer to a GET (`request`: the path part after `/pki/ocsp/`): the one kept for the same request
    /// (``OCSPGetAnswerCache``) when there is one, else ``ocspAnswer(_:get:services:database:on:keepAs:)``, which keeps
    /// it when it could.
    static func ocspGetAnswer(_ request: String, headers: HTTPHeaders, services: AMSServices, database: @escaping @Sendable () -> any Database,
                              on eventLoop: any EventLoop) -> EventLoopFuture<Response> {
        let now = services.clock.now
        let epoch = services.ocspStatuses.epoch
        if let kept = services.ocspGetAnswers.answer(for: request, epoch: epoch, now: now, refreshAfter: services.ocspCache.refreshAfter) {
            services.metrics.ocspAnswered("successful")
            return eventLoop.makeSucceededFuture(kept.response(get: headers, now: now))
        }
        return ocspAnswer(ocspRequest(get: request), get: headers, services: services, database: database, on: eventLoop,
                          keepAs: (request, epoch))
    }

    /// The OCSP answer to a DER request (nil: a GET path part that is no request): made at once on `eventLoop` when
    /// nothing must be awaited, otherwise in one task that reads the database. `get` holds a GET request's headers
    /// (its answer may be cached by HTTP caches, RFC 5019 §6.2); nil for a POST. An answer made at once from the kept
    /// statuses is kept for `keepAs` (a GET's path part, and the statuses' epoch read before answering). `database` is
    /// asked for only when the answer needs it (making a request's database is most of an answer's cost otherwise).
    static func ocspAnswer(_ body: [UInt8]?, get: HTTPHeaders?, services: AMSServices, database: @escaping @Sendable () -> any Database,
                           on eventLoop: any EventLoop, keepAs: (request: String, epoch: UInt64)? = nil) -> EventLoopFuture<Response> {
        let now = services.clock.now
        let metrics = services.metrics
        func response(_ answer: OCSPHTTPAnswer) -> Response {
            metrics.ocspAnswered(ocspOutcome(answer.answer.bytes))
            return answer.response(get: get, now: now)
        }
        guard let body else {
            return eventLoop.makeSucceededFuture(response(OCSPHTTPAnswer(.uncacheable(OCSPResponseBuilder.malformedRequest))))
        }
        let responder = OCSPResponder(services: services)
        switch responder.answerAtOnce(body) {
        case .answered(let answer):
            let prepared = OCSPHTTPAnswer(answer)
            if let keepAs { services.ocspGetAnswers.store(prepared, for: keepAs.request, epoch: keepAs.epoch) }
            return eventLoop.makeSucceededFuture(response(prepared))
        case .needsDatabase(let request):
            return eventLoop.makeFutureWithTask { response(OCSPHTTPAnswer(await responder.respond(to: request, on: database()))) }
        }
    }

    /// What an OCSP answer was, for the metrics: one of the unsigned error answers, or a signed one.
    static func ocspOutcome(_ bytes: [UInt8]) -> String {
        switch bytes {
        case OCSPResponseBuilder.malformedRequest: return "malformed_request"
        case OCSPResponseBuilder.tryLater: return "try_later"
        case OCSPResponseBuilder.internalError: return "internal_error"
        default: return "successful"
        }
    }

    /// The DER request of a GET path part; nil when it cannot be one. Base64 as RFC 6960 has it, and also base64url
    /// and base64 without its padding, which some clients send. One pass over the bytes (percent-decoding, then base64url's two letters), as every PDF reader's GET comes here.
    static func ocspRequest(get encoded: String) -> [UInt8]? {
        guard encoded.utf8.count <= OCSPRequestParser.maximumSize * 6 else { return nil }
        var text: [UInt8] = []
        text.reserveCapacity(encoded.utf8.count + 3)
        var bytes = encoded.utf8.makeIterator()
        while let byte = bytes.next() {
            var decoded = byte
            if byte == UInt8(ascii: "%") {
                guard let high = bytes.next().flatMap(hexDigit), let low = bytes.next().flatMap(hexDigit) else { return nil }
                decoded = high << 4 | low
            }
            switch decoded {
            case UInt8(ascii: "-"): text.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): text.append(UInt8(ascii: "/"))
            default: text.append(decoded)
            }
        }
        guard text.count <= OCSPRequestParser.maximumSize * 2 else { return nil }
        if text.count % 4 != 0 { text += Array(repeating: UInt8(ascii: "="), count: 4 - text.count % 4) }
        return Data(base64Encoded: Data(text)).map(Array.init)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
