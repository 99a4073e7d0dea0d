import Fluent
import SQLKit

/// Records when an account holder's identity was verified (SOP step 4), their position, and whether a later change
/// of certificate data requires re-verification before the next issuance.
struct UpdateUsersAddIdentityVerification: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("identity_verified_at", .datetime).update()
        try await database.schema("users").field("position", .string).update()
        try await database.schema("users")
            .field("reverification_required", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("reverification_required").update()
        try await database.schema("users").deleteField("position").update()
        try await database.schema("users").deleteField("identity_verified_at").update()
    }
}
