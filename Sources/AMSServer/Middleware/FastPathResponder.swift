import AMSPKI
import FluentKit
import Vapor

/// Answers the OCSP responder's URLs (`POST /pki/ocsp`, `GET /pki/ocsp/<request>`) and the liveness probe
/// (`GET /health/live`) before the middleware chain, and hands every other request to `next` (the router behind the
/// middleware).
///
/// OCSP knows no session, cookie, CSRF token, locale or page, and at the rates relying parties ask, the chain's six
/// asynchronous middlewares cost more than the answer: each is a hop between threads. When the CA keys are loaded and
/// every asked status is kept (``OCSPStatusCache``), the answer is made right here on the event loop; otherwise one
/// task reads the database. The answer is the same as the routes' (`PKIController`); it is logged like any request
/// and carries the same security headers. The load balancer's liveness probe, every few seconds on every instance,
/// needs no session either (the chain would mint a pre-session cookie for each); its fixed answer is also the
/// benchmark's measure of what HTTP alone costs.
struct FastPathResponder: Responder {
    let next: any Responder
    let securityHeaders: SecurityHeadersMiddleware

    static let postPath = "/pki/ocsp"
    static let getPrefix = "/pki/ocsp/"
    static let livePath = "/health/live"

    func respond(to request: Request) -> EventLoopFuture<Response> {
        let path = request.url.path
        let start = DispatchTime.now().uptimeNanoseconds
        let services = request.ams
        let database: @Sendable () -> any Database = { request.db }
        let answer: EventLoopFuture<Response>
        let route: String
        if request.method == .POST, path == Self.postPath {
            route = Self.postPath
            answer = request.body.collect(max: OCSPRequestParser.maximumSize).flatMap { buffer in
                PKIController.ocspAnswer(buffer.map { Array($0.readableBytesView) } ?? [], get: nil, services: services,
                                         database: database, on: request.eventLoop)
            }.flatMapErrorThrowing { error in
                // the only failure of collecting: more than an OCSP request can be
                guard let abort = error as? any AbortError, abort.status == .payloadTooLarge else { throw error }
                return Response(status: .payloadTooLarge)
            }
        } else if request.method == .GET, path.hasPrefix(Self.getPrefix) {
            route = Self.getPrefix + "**"
            answer = PKIController.ocspGetAnswer(String(path.dropFirst(Self.getPrefix.count)), headers: request.headers,
                                                 services: services, database: database, on: request.eventLoop)
        } else if request.method == .GET, path == Self.livePath {
            route = Self.livePath
            answer = request.eventLoop.makeSucceededFuture(HealthController.liveAnswer())
        } else if path == Self.postPath || path.hasPrefix(Self.getPrefix), ![.GET, .POST, .HEAD].contains(request.method) {
            route = path == Self.postPath ? Self.postPath : Self.getPrefix + "**"
            answer = request.eventLoop.makeSucceededFuture(PKIController.ocspMethodNotAllowed())
        } else {
            return next.respond(to: request)
        }
        return answer.map { response in
            securityHeaders.apply(to: response, path: path)
            AccessLogMiddleware.log(request, route: route, status: response.status, since: start)
            return response
        }
    }
}
