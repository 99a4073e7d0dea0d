import Fluent
import SQLKit

/// Holders' authenticator apps (RFC 6238 TOTP) as a second factor for signing — the secret sealed, the last step
/// accepted so a code works once — and their single-use recovery codes, stored hashed.
struct CreateAuthenticators: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("authenticators")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("secret_sealed", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("last_step", .int64)
            .unique(on: "user_id")
            .create()
        try await database.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "recovery_codes_user").on("recovery_codes").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("recovery_codes").delete()
        try await database.schema("authenticators").delete()
    }
}
