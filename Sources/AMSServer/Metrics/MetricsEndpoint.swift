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

/// Starts ``MetricsEndpoint`` on its own HTTP server when `ams serve` boots (if `AMS_METRICS_LISTEN` is set) and
/// stops it at shutdown.
final class MetricsServer: LifecycleHandler, @unchecked Sendable {
    private var server: HTTPServer?

    func didBootAsync(_ application: Application) async throws {
        guard let listen = application.ams.configuration.metricsListen else { return }
        let server = HTTPServer(application: application, responder: MetricsEndpoint(application: application),
                                configuration: .init(hostname: listen.host, port: listen.port, reportMetrics: false),
                                on: application.eventLoopGroup)
        try await server.start(address: .hostname(listen.host, port: listen.port))
        self.server = server
        application.logger.notice("metrics at http://\(listen.host):\(listen.port)/metrics")
    }

    func shutdownAsync(_ application: Application) async {
        await server?.shutdown()
    }
}
