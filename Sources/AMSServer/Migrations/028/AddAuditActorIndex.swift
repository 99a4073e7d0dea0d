import Fluent
import SQLKit

/// The audit log filtered by actor (the page and the CSV export, read in sequence order) through an index instead of a
/// scan of the whole log.
struct AddAuditActorIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "audit_entries_actor_sequence").on("audit_entries").column("actor_name").column("sequence").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "audit_entries_actor_sequence").run()
    }
}
