import Fluent
import SQLKit

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .id()
            .field("sequence", .int64, .required)
            .field("occurred_at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("actor_role", .string, .required)
            .field("action", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .string, .required)
            .field("outcome", .string, .required)
            .field("client_address", .string, .required)
            .field("request_id", .string, .required)
            .field("details", .string, .required)
            .field("previous_mac", .string, .required)
            .field("mac", .string, .required)
            .unique(on: "sequence")
            .create()
        try await database.schema("audit_chain_head")
            .field("id", .int, .identifier(auto: false))
            .field("last_sequence", .int64, .required)
            .field("last_mac", .string, .required)
            .create()
        try await AuditChainHeadModel(id: 1, lastSequence: 0, lastMAC: AuditChain.genesisMAC).create(on: database)
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_entries_action").on("audit_entries").column("action").run()
        try await sql.create(index: "audit_entries_occurred").on("audit_entries").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_chain_head").delete()
        try await database.schema("audit_entries").delete()
    }
}
