import Fluent
import SQLKit

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outbox_messages")
            .id()
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("template", .string, .required)
            .field("sealed_body", .string)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .field("message_id", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "message_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "outbox_due").on("outbox_messages").column("status").column("next_attempt_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox_messages").delete()
    }
}
