import Foundation
import Vapor

/// `GET /metrics` in the Prometheus text format, on a listen address of its own (`AMS_METRICS_LISTEN`), apart from
/// the public site: a scraper on the operations network reaches it, the internet does not. With `AMS_METRICS_TOKEN`
/// set, a scrape must send `Authorization: Bearer <token>`. Anything else on that address is 404.
struct MetricsEndpoint: Responder {
    let application: Application

    func respond(to request: Request) -> EventLoopFuture<Response> {
        guard request.method == .GET, request.url.path == "/metrics" else {
            return request.eventLoop.makeSucceededFuture(Response(status: .notFound))
        }
        let services = application.ams
        if let token = services.configuration.metricsToken {
            let sent = request.headers.bearerAuthorization?.token ?? ""
            guard TokenDigest.constantTimeEquals(sent, token) else {
                let response = Response(status: .unauthorized)
                response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"ams-metrics\"")
                return request.eventLoop.makeSucceededFuture(response)
            }
        }
        let database = application.db
        return request.eventLoop.makeFutureWithTask {
            do {
                try await MetricsSnapshot(services: services, database: database).record(into: services.metrics)
                services.metrics.set("ams_metrics_database_read_failures", to: 0)
            } catch {
                // the events counted so far are still worth a scrape: the database figures keep their last values,
                // this gauge says they are stale, and the log says why
                request.logger.warning("metrics: database figures not read", metadata: ["error": "\(String(describing: type(of: error)))"])
                services.metrics.set("ams_metrics_database_read_failures", to: 1)
            }
            let response = Response(status: .ok, body: .init(data: Data(services.metrics.exposition())))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }
}
