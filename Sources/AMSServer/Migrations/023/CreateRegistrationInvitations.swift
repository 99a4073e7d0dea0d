import Fluent
import SQLKit

/// Registrations started by an agency application (`/api/v2/user/registration`): the person is invited to SOP step 1
/// with their name, address and agency filled in; the invitation's token is stored hashed and lives seven days.
struct CreateRegistrationInvitations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("registration_invitations")
            .id()
            .field("agency_id", .uuid, .required, .references("agencies", "id"))
            .field("key_id", .uuid, .required, .references("api_keys", "id"))
            .field("full_name", .string, .required)
            .field("email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "registration_invitations_email").on("registration_invitations").column("email").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_invitations").delete()
    }
}
