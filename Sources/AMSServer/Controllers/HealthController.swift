import Fluent
import SQLKit
import Vapor

/// `GET /health`: 200 when the database answers, 503 with `Retry-After` when it cannot be reached (for load
/// balancers and service managers).
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable func health(req: Request) async throws -> Response {
        do {
            try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
        } catch where DatabaseUnavailable.matches(error) {
            req.logger.warning("health: database unavailable", metadata: ["error": "\(DatabaseUnavailable.summary(error))"])
            let response = Response(status: .serviceUnavailable, body: .init(string: "database unavailable\n"))
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(DatabaseUnavailable.retryAfterSeconds)")
            return response
        }
        return Response(status: .ok, body: .init(string: "ok\n"))
    }
}
