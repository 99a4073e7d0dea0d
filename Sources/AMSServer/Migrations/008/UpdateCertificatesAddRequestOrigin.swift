import Fluent

/// Records how each certificate request was started and by whom: by the holder on the web (`web`), or by an agency
/// application through the API (`api`, with the key's name), so approvers see it and an API-started request waits for
/// the holder's confirmation.
struct UpdateCertificatesAddRequestOrigin: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("certificates").field("requested_via", .string, .required, .sql(.default("web"))).update()
        try await database.schema("certificates").field("requested_by", .string, .required, .sql(.default(""))).update()
        try await database.schema("certificates").field("holder_confirmed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("certificates").deleteField("holder_confirmed_at").update()
        try await database.schema("certificates").deleteField("requested_by").update()
        try await database.schema("certificates").deleteField("requested_via").update()
    }
}
