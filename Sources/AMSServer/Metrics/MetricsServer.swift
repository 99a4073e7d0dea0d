import Vapor

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
