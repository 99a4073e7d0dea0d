import Fluent
import SQLKit

/// The operators' queue filters by status and orders by how long the current step has waited, and its search looks
/// requests up by exact NIP or NIK: indexes for each, so they do not scan every request (the CA sees all agencies').
struct AddRequestQueueIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "registration_requests_status_step").on("registration_requests").column("status").column("step_started_at").run()
        try await sql.create(index: "registration_requests_nip").on("registration_requests").column("nip").run()
        try await sql.create(index: "registration_requests_nik").on("registration_requests").column("nik").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["registration_requests_status_step", "registration_requests_nip", "registration_requests_nik"] {
            try await sql.drop(index: name).run()
        }
    }
}
