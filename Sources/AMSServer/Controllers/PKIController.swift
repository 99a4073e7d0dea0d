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
        response.headers.replaceOrAdd(name: .expires, value: state.nextUpdate.rfc1123)
        response.headers.replaceOrAdd(name: .lastModified, value: state.thisUpdate.rfc1123)
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

    // The two OCSP routes are normally answered by OCSPFastPathResponder before the middleware chain; these
    // handlers give the same answers when a request reaches the router (and keep the routes in the route table).
    @Sendable func ocspPost(req: Request) async throws -> Response {
        try await Self.ocspAnswer(req.body.data.map { Array($0.readableBytesView) } ?? [], get: nil, services: req.ams,
                                  database: req.db, on: req.eventLoop).get()
    }

    /// RFC 6960 appendix A.1: GET with the DER request base64-encoded (then URL-encoded) as the last path part.
    @Sendable func ocspGet(req: Request) async throws -> Response {
        try await Self.ocspAnswer(Self.ocspRequest(get: req.parameters.getCatchall().joined(separator: "/")), get: req.headers,
                                  services: req.ams, database: req.db, on: req.eventLoop).get()
    }

    /// Any other method on the responder's URLs (answered by ``OCSPFastPathResponder``): 405 with the methods it takes.
    static func ocspMethodNotAllowed() -> Response {
        let response = Response(status: .methodNotAllowed)
        response.headers.replaceOrAdd(name: .allow, value: "GET, POST")
        return response
    }

    /// The OCSP answer to a DER request (nil: a GET path part that is no request): made at once on `eventLoop` when
    /// nothing must be awaited, otherwise in one task that reads the database. `get` holds a GET request's headers
    /// (its answer may be cached by HTTP caches, RFC 5019 §6.2); nil for a POST.
    static func ocspAnswer(_ body: [UInt8]?, get: HTTPHeaders?, services: AMSServices, database: any Database,
                           on eventLoop: any EventLoop) -> EventLoopFuture<Response> {
        let now = services.clock.now
        let metrics = services.metrics
        func response(_ answer: OCSPResponder.Answer) -> Response {
            metrics.ocspAnswered(ocspOutcome(answer.bytes))
            return ocspResponse(answer, get: get, now: now)
        }
        guard let body else {
            return eventLoop.makeSucceededFuture(response(.uncacheable(OCSPResponseBuilder.malformedRequest)))
        }
        let responder = OCSPResponder(services: services)
        switch responder.answerAtOnce(body) {
        case .answered(let answer):
            return eventLoop.makeSucceededFuture(response(answer))
        case .needsDatabase(let request):
            return eventLoop.makeFutureWithTask { response(await responder.respond(to: request, on: database)) }
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
    /// and base64 without its padding, which some clients send.
    static func ocspRequest(get encoded: String) -> [UInt8]? {
        var text = (encoded.removingPercentEncoding ?? encoded).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard text.utf8.count <= OCSPRequestParser.maximumSize * 2 else { return nil }
        if text.utf8.count % 4 != 0 { text += String(repeating: "=", count: 4 - text.utf8.count % 4) }
        return Data(base64Encoded: text).map(Array.init)
    }

    /// How long an HTTP cache may keep a GET answer at most (a revocation reaches clients behind caches within it).
    static let ocspMaxAge: TimeInterval = 300

    /// The HTTP response of an OCSP answer. A GET answer that caches may keep carries, as RFC 5019 §6.2 recommends,
    /// `Last-Modified` (thisUpdate), `Expires` (nextUpdate), an `ETag` of the response and a `max-age` that never
    /// outlives nextUpdate; a matching `If-None-Match` gets 304. Everything else is `no-store`.
    static func ocspResponse(_ answer: OCSPResponder.Answer, get: HTTPHeaders?, now: Date) -> Response {
        guard let get, let window = answer.cacheableUntil else {
            let response = Response(status: .ok, body: .init(data: Data(answer.bytes)))
            response.headers.replaceOrAdd(name: .contentType, value: "application/ocsp-response")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
        let tag = "\"" + TokenDigest.sha256Hex(answer.bytes).prefix(32) + "\""
        let notModified = get[.ifNoneMatch].contains { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == tag } }
        let response = notModified ? Response(status: .notModified) : Response(status: .ok, body: .init(data: Data(answer.bytes)))
        if !notModified { response.headers.replaceOrAdd(name: .contentType, value: "application/ocsp-response") }
        let maxAge = max(0, Int(min(ocspMaxAge, window.upperBound.timeIntervalSince(now))))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform, must-revalidate")
        response.headers.replaceOrAdd(name: .lastModified, value: window.lowerBound.rfc1123)
        response.headers.replaceOrAdd(name: .expires, value: window.upperBound.rfc1123)
        response.headers.replaceOrAdd(name: .eTag, value: tag)
        return response
    }
}
