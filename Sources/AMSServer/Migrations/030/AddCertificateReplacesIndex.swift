import Fluent
import SQLKit

/// The expiry reminders ask, for each certificate that is due one, whether a renewal replaces it: through an index on
/// `replaces_id`, not a scan of every certificate per reminder.
struct AddCertificateReplacesIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "certificates_replaces").on("certificates").column("replaces_id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "certificates_replaces").run()
    }
}
