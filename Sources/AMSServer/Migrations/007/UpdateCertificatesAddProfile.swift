import Fluent

/// Records which certificate profile each certificate was issued under (`holder-signing` for every earlier one),
/// and the given name and surname an applicant states at activation (kept on the request, copied to the account),
/// which the ETSI natural-person profile puts into the subject; and the applicant's language, so every mail about a
/// request is written in it.
struct UpdateCertificatesAddProfile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("certificates").field("profile", .string, .required, .sql(.default("holder-signing"))).update()
        try await database.schema("users").field("given_name", .string).update()
        try await database.schema("users").field("surname", .string).update()
        try await database.schema("registration_requests").field("given_name", .string).update()
        try await database.schema("registration_requests").field("surname", .string).update()
        try await database.schema("registration_requests").field("locale", .string, .required, .sql(.default("id"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_requests").deleteField("locale").update()
        try await database.schema("registration_requests").deleteField("surname").update()
        try await database.schema("registration_requests").deleteField("given_name").update()
        try await database.schema("users").deleteField("surname").update()
        try await database.schema("users").deleteField("given_name").update()
        try await database.schema("certificates").deleteField("profile").update()
    }
}
