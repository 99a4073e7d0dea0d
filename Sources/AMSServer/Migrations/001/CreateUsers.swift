import Fluent

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("email", .string, .required)
            .field("full_name", .string, .required)
            .field("nik", .string)
            .field("role", .string, .required)
            .field("agency_id", .uuid, .references("agencies", "id", onDelete: .restrict))
            .field("password_hash", .string, .required)
            .field("password_is_initial", .bool, .required)
            .field("initial_password_expires_at", .datetime)
            .field("password_changed_at", .datetime)
            .field("is_active", .bool, .required)
            .field("locale", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "username")
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
