import Fluent
import SQLKit

/// Agency applications calling the national e-signature API: each key gets an on/off switch, an optional list of
/// client addresses and a request rate; calls are counted per key and minute (in the database, so every instance
/// counts the same); a signed result waiting for `GET /api/sign/download/{id}` is kept at most ten minutes.
struct UpdateAPIKeysForSigning: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // one column per statement: SQLite adds one at a time
        try await database.schema("api_keys").field("disabled_at", .datetime).update()
        try await database.schema("api_keys").field("allowed_addresses", .string).update()
        try await database.schema("api_keys").field("requests_per_minute", .int).update()
        try await database.schema("api_call_counts")
            .field("key_id", .uuid, .required, .references("api_keys", "id"))
            .field("minute", .int64, .required)
            .field("calls", .int, .required)
            .unique(on: "key_id", "minute")
            .create()
        try await database.schema("signed_downloads")
            .id()
            .field("key_id", .uuid, .required, .references("api_keys", "id"))
            .field("name", .string, .required)
            .field("document", .data, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "signed_downloads_expiry").on("signed_downloads").column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("signed_downloads").delete()
        try await database.schema("api_call_counts").delete()
        try await database.schema("api_keys").deleteField("requests_per_minute").update()
        try await database.schema("api_keys").deleteField("allowed_addresses").update()
        try await database.schema("api_keys").deleteField("disabled_at").update()
    }
}
