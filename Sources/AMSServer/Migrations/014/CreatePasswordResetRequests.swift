import Fluent
import SQLKit

/// Password-reset requests waiting for the reset worker: whatever was typed, sealed.
struct CreatePasswordResetRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("password_reset_requests")
            .id()
            .field("sealed", .string, .required)
            .field("requested_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "password_reset_requests_time").on("password_reset_requests").column("requested_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_reset_requests").delete()
    }
}
