import Fluent
import SQLKit

/// The expiry-reminder pass reads only the certificates whose next reminder is due (issued, j reminders sent, notAfter
/// within the next threshold): an index in exactly that order, so each pass costs what became due since the last.
struct AddCertificateReminderIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "certificates_reminder_due").on("certificates")
            .column("status").column("reminder_stage").column("not_after").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "certificates_reminder_due").run()
    }
}
