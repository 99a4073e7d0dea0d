import Fluent
import SQLKit

/// An index that serves the CRL: revoked and voided certificates of one CA in serial order, with every column an
/// entry needs, so the publisher reads them page by page (a bounded number of rows in memory however long the
/// list) without sorting and without visiting the table.
struct AddCertificatesCRLIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "certificates_issuer_status_serial").on("certificates")
            .column("issuer_ca_id").column("status").column("serial_hex")
            .column("revoked_at").column("revocation_reason").column("invalidity_date").column("issuing_started_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "certificates_issuer_status_serial").run()
    }
}
