import Fluent

/// Records the NIK of the operator behind each timeline entry, so segregation of duties compares persons, not
/// accounts (one person with an agency account and a CA account must not act at both levels of one request).
struct UpdateRegistrationEventsAddActorNIK: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("registration_events").field("actor_nik", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_events").deleteField("actor_nik").update()
    }
}
