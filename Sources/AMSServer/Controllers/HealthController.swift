import Fluent
import SQLKit
import Vapor

/// `GET /health`: 200 when the database answers (for load balancers and service managers).
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable func health(req: Request) async throws -> Response {
        try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
        return Response(status: .ok, body: .init(string: "ok\n"))
    }
}
