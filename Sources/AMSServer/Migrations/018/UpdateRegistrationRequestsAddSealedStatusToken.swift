import Fluent

/// The status link's token, sealed under the server key (as queued mail is), so every progress mail can carry the
/// link; only its hash is used to find the request.
struct UpdateRegistrationRequestsAddSealedStatusToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("registration_requests").field("status_token_sealed", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_requests").deleteField("status_token_sealed").update()
    }
}
