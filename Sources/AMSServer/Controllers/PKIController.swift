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

    // The two OCSP routes are normally answered by OCSPFastPathResponder before the middleware chain; these
    // handlers give the same answers when a request reaches the router (and keep the routes in the route table).
    @Sendable func ocspPost(req: Request) async throws -> Response {
        try await Self.ocspAnswer(req.body.data.map { Array($0.readableBytesView) } ?? [], cacheable: false, services: req.ams,
                                  database: req.db, on: req.eventLoop).get()
    }

    /// RFC 6960 appendix A.1: GET with the DER request base64-encoded (then URL-encoded) as the last path part.
    @Sendable func ocspGet(req: Request) async throws -> Response {
        try await Self.ocspAnswer(Self.ocspRequest(get: req.parameters.getCatchall().joined(separator: "/")), cacheable: true,
                                  services: req.ams, database: req.db, on: req.eventLoop).get()
    }

    /// The OCSP answer to a DER request (nil: a GET path part that is no request): made at once on `eventLoop` when
    /// nothing must be awaited, otherwise in one task that reads the database.
    static func ocspAnswer(_ body: [UInt8]?, cacheable: Bool, services: AMSServices, database: any Database,
                           on eventLoop: any EventLoop) -> EventLoopFuture<Response> {
        guard let body else { return eventLoop.makeSucceededFuture(ocspResponse(OCSPResponseBuilder.malformedRequest, cacheable: false)) }
        let responder = OCSPResponder(services: services)
        switch responder.answerAtOnce(body) {
        case .answered(let bytes):
            return eventLoop.makeSucceededFuture(ocspResponse(bytes, cacheable: cacheable))
        case .needsDatabase(let request):
            return eventLoop.makeFutureWithTask { ocspResponse(await responder.respond(to: request, on: database), cacheable: cacheable) }
        }
    }

    /// The DER request of a GET path part; nil when it cannot be one.
    static func ocspRequest(get encoded: String) -> [UInt8]? {
        let text = encoded.removingPercentEncoding ?? encoded
        guard text.utf8.count <= OCSPRequestParser.maximumSize * 2, let data = Data(base64Encoded: text) else { return nil }
        return Array(data)
    }

    static func ocspResponse(_ bytes: [UInt8], cacheable: Bool) -> Response {
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/ocsp-response")
        response.headers.replaceOrAdd(name: .cacheControl, value: cacheable ? "public, max-age=300, no-transform" : "no-store")
        return response
    }
}
