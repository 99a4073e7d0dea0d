import Fluent
import SQLKit

struct CreateSessionsAndTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("user_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("client_address", .string, .required)
            .field("user_agent", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema("password_reset_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("login_attempts")
            .id()
            .field("account_key", .string, .required)
            .field("client_address", .string, .required)
            .field("succeeded", .bool, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "login_attempts_account").on("login_attempts").column("account_key").column("occurred_at").run()
        try await sql.create(index: "login_attempts_address").on("login_attempts").column("client_address").column("occurred_at").run()
        try await sql.create(index: "user_sessions_user").on("user_sessions").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
        try await database.schema("password_reset_tokens").delete()
        try await database.schema("user_sessions").delete()
    }
}
