import Vapor

/// Counts every request that goes through the middleware chain and how long it took, by the matched route's pattern
/// (`requests/:id`; `unmatched` for a path no route has), method and status. OCSP answers skip the chain and are
/// counted by the responder itself.
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = ContinuousClock.now
        let metrics = request.application.ams.metrics
        do {
            let response = try await next.respond(to: request)
            metrics.requestAnswered(route: Self.pattern(of: request), method: request.method.rawValue, status: Int(response.status.code),
                                    duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            metrics.requestAnswered(route: Self.pattern(of: request), method: request.method.rawValue, status: Int(status.code),
                                    duration: ContinuousClock.now - started)
            throw error
        }
    }

    /// The route's pattern once routing has matched it; never the path itself (tokens, ids).
    static func pattern(of request: Request) -> String {
        guard let route = request.route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}
