import Fluent

/// Checkpoints of the audit chain: after `ams audit verify` has checked the log up to an entry, that entry's sequence
/// and MAC, with a MAC of their own under the audit key — so the next run checks only what came after.
struct CreateAuditCheckpoints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_checkpoints")
            .id()
            .field("sequence", .int64, .required)
            .field("entry_mac", .string, .required)
            .field("checkpoint_mac", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_checkpoints").delete()
    }
}
