import Fluent

/// An agency may carry a shorter name for certificates (organizationName is at most 64 characters) beside its full
/// name.
struct UpdateAgenciesAddCertificateName: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agencies").field("certificate_name", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agencies").deleteField("certificate_name").update()
    }
}
