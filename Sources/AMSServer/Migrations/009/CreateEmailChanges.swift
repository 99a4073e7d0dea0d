import Fluent

/// A holder's change of e-mail waits for the link mailed to the new address (`email_changes`, token stored hashed);
/// and each account keeps the identity an operator last verified (`verified_*`), so re-verification shows old → new.
struct CreateEmailChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("email_changes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("new_email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("users").field("verified_full_name", .string).update()
        try await database.schema("users").field("verified_position", .string).update()
        try await database.schema("users").field("verified_email", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("verified_email").update()
        try await database.schema("users").deleteField("verified_position").update()
        try await database.schema("users").deleteField("verified_full_name").update()
        try await database.schema("email_changes").delete()
    }
}
