import Fluent
import SQLKit

/// Signatures made by AMS for holders (one record each), the codes mailed as a second factor, and each holder's
/// count of failed key openings with the lock that follows.
struct CreateSignatures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("signatures")
            .id()
            .field("holder_id", .uuid, .required, .references("users", "id"))
            .field("certificate_id", .uuid, .required, .references("certificates", "id"))
            .field("serial_hex", .string, .required)
            .field("document_sha256", .string, .required)
            .field("signed_sha256", .string, .required)
            .field("field_name", .string, .required)
            .field("visible", .bool, .required)
            .field("via", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("signing_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("code_hash", .string, .required)
            .field("documents", .int, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        // one column per statement: SQLite adds one at a time
        try await database.schema("users").field("signing_failures", .int).update()
        try await database.schema("users").field("signing_locked_until", .datetime).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "signatures_holder").on("signatures").column("holder_id").column("created_at").run()
        try await sql.create(index: "signing_codes_user").on("signing_codes").column("user_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("signatures").delete()
        try await database.schema("signing_codes").delete()
        try await database.schema("users").deleteField("signing_failures").update()
        try await database.schema("users").deleteField("signing_locked_until").update()
    }
}
