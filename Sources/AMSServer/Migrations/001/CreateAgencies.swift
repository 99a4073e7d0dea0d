import Fluent

struct CreateAgencies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agencies")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema("agency_email_domains")
            .id()
            .field("agency_id", .uuid, .required, .references("agencies", "id", onDelete: .cascade))
            .field("domain", .string, .required)
            .unique(on: "domain")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agency_email_domains").delete()
        try await database.schema("agencies").delete()
    }
}
