import Fluent

/// When each operator was last sent the digest of waiting requests (at most one an hour).
struct UpdateUsersAddDigestSentAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("digest_sent_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("digest_sent_at").update()
    }
}
