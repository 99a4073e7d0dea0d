import Fluent

/// Reasons are stored as a code (shown in each reader's language) beside the operator's own explanation.
struct UpdateRegistrationAddReasonCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("registration_events").field("reason_code", .string).update()
        try await database.schema("registration_requests").field("last_reason_code", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_events").deleteField("reason_code").update()
        try await database.schema("registration_requests").deleteField("last_reason_code").update()
    }
}
