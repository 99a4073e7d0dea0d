import Fluent

/// The time zone an agency's pages and mails show times in (WIB, WITA or WIT; none: WIB).
struct UpdateAgenciesAddTimeZone: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agencies").field("time_zone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agencies").deleteField("time_zone").update()
    }
}
