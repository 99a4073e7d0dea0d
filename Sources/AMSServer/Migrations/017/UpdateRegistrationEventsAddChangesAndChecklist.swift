import Fluent

/// Timeline entries keep what a resubmission changed and what the agency's checklist confirmed as data, put into
/// words in each reader's language, instead of text in the actor's.
struct UpdateRegistrationEventsAddChangesAndChecklist: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // one column per statement: SQLite adds one at a time
        try await database.schema("registration_events").field("changes", .string).update()
        try await database.schema("registration_events").field("checklist", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("registration_events").deleteField("changes").update()
        try await database.schema("registration_events").deleteField("checklist").update()
    }
}
