import Fluent
import SQLKit

/// When and from which client address each public-form submission came, for the per-address and global limits.
struct CreateSubmissionLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("submission_log")
            .id()
            .field("client_address", .string, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "submission_log_address_time").on("submission_log").column("client_address").column("occurred_at").run()
        try await sql.create(index: "submission_log_time").on("submission_log").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("submission_log").delete()
    }
}
