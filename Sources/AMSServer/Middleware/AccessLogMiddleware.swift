import Vapor

/// One log line per request with the route pattern, never the raw URL (paths and queries may carry tokens).
struct AccessLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next.respond(to: request)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(no route)"
        Self.log(request, route: route, status: response.status, since: start)
        return response
    }

    /// The line for one answered request (also written for answers made before the chain).
    static func log(_ request: Request, route: String, status: HTTPResponseStatus, since start: UInt64) {
        let millis = (DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        request.logger.info("\(request.method) \(route) \(status.code)", metadata: ["ms": "\(millis)"])
    }
}
