import Fluent
import SQLKit

/// The certificate list, newest first a page at a time, reads its rows through an index however many certificates
/// there are: all of them (CA operators), one agency's, or one status's.
struct AddCertificateListIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "certificates_requested").on("certificates").column("requested_at").column("id").run()
        try await sql.create(index: "certificates_agency_requested").on("certificates").column("agency_id").column("requested_at").column("id").run()
        try await sql.create(index: "certificates_status_requested").on("certificates").column("status").column("requested_at").column("id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["certificates_requested", "certificates_agency_requested", "certificates_status_requested"] {
            try await sql.drop(index: name).run()
        }
    }
}
