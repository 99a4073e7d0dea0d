import Fluent

/// API keys of agency systems for `/api/v1`, stored as SHA-256 hashes.
struct CreateAPIKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_keys")
            .id()
            .field("agency_id", .uuid, .required, .references("agencies", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("key_prefix", .string, .required)
            .field("key_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_id", .uuid)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "key_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_keys").delete()
    }
}
