import Fluent
import FluentKit
import SQLKit
import Vapor

/// Health for load balancers, service managers and orchestrators:
/// - `GET /health/live`: the process answers HTTP (nothing else is asked; restart it when this fails);
/// - `GET /health/ready`: this instance can serve — the database answers, every migration AMS knows has been applied
///   (an instance of a newer AMS waits until the schema has been upgraded), and the certificate authority's keys are
///   loaded. 200 or 503, with each check named in a small JSON body;
/// - `GET /health`: the database answers (as before the two above existed).
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("health", "live", use: live)
        routes.get("health", "ready", use: ready)
    }

    @Sendable func health(req: Request) async throws -> Response {
        do {
            try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
        } catch where DatabaseUnavailable.matches(error) {
            req.logger.warning("health: database unavailable", metadata: ["error": "\(DatabaseUnavailable.summary(error))"])
            return unavailable("database unavailable\n")
        }
        return Response(status: .ok, body: .init(string: "ok\n"))
    }

    @Sendable func live(req: Request) async throws -> Response {
        Self.liveAnswer()
    }

    /// The process answers (normally sent by ``FastPathResponder`` before the middleware chain).
    static func liveAnswer() -> Response {
        Response(status: .ok, body: .init(staticString: "ok\n"))
    }

    /// What `/health/ready` reports.
    struct Readiness: Content {
        var ready: Bool
        /// "ok", "unavailable"
        var database: String
        /// "current", "N pending", "unknown"
        var migrations: String
        /// "loaded", "not loaded", "unknown"
        var certificateAuthority: String
    }

    @Sendable func ready(req: Request) async throws -> Response {
        var readiness = Readiness(ready: false, database: "unavailable", migrations: "unknown", certificateAuthority: "unknown")
        do {
            let applied = Set(try await MigrationLog.query(on: req.db).all().map(\.name))
            readiness.database = "ok"
            let pending = Migrations.all.filter { !applied.contains($0.name) }.count
            readiness.migrations = pending == 0 ? "current" : "\(pending) pending"
            do {
                _ = try await req.ams.caKeys.current(on: req.db)
                readiness.certificateAuthority = "loaded"
            } catch where !DatabaseUnavailable.matches(error) {
                readiness.certificateAuthority = "not loaded"
            }
        } catch where DatabaseUnavailable.matches(error) {
            req.logger.warning("readiness: database unavailable", metadata: ["error": "\(DatabaseUnavailable.summary(error))"])
        }
        readiness.ready = readiness.database == "ok" && readiness.migrations == "current" && readiness.certificateAuthority == "loaded"
        let response = try await readiness.encodeResponse(status: readiness.ready ? .ok : .serviceUnavailable, for: req)
        if !readiness.ready { response.headers.replaceOrAdd(name: .retryAfter, value: "\(DatabaseUnavailable.retryAfterSeconds)") }
        return response
    }

    private func unavailable(_ text: String) -> Response {
        let response = Response(status: .serviceUnavailable, body: .init(string: text))
        response.headers.replaceOrAdd(name: .retryAfter, value: "\(DatabaseUnavailable.retryAfterSeconds)")
        return response
    }
}
