import Fluent
import SQLKit

/// The queue reads each status along an index in its own order — waiting time then id for requests in a timed step,
/// creation time then id for the others — from just after the last row shown, with the agency in front for agency
/// operators; and the search finds names by their beginning, whatever their case. These indexes replace the two
/// that lacked the id (which made every page sort its ties).
struct AddRequestQueueKeysetIndexes: AsyncMigration {
    static let queueIndexes: [(name: String, columns: [String])] = [
        ("registration_requests_status_waiting", ["status", "step_started_at", "id"]),
        ("registration_requests_agency_waiting", ["agency_id", "status", "step_started_at", "id"]),
        ("registration_requests_status_created", ["status", "created_at", "id"]),
        ("registration_requests_agency_created", ["agency_id", "status", "created_at", "id"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["registration_requests_status_step", "registration_requests_queue"] { try await sql.drop(index: name).run() }
        for index in Self.queueIndexes {
            let create = sql.create(index: index.name).on("registration_requests")
            for column in index.columns { _ = create.column(column) }
            try await create.run()
        }
        // names by prefix, case-insensitively: SQLite's LIKE uses a NOCASE index; PostgreSQL's a pattern index on lower()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE INDEX registration_requests_name ON registration_requests (full_name COLLATE NOCASE)").run()
        } else {
            try await sql.raw("CREATE INDEX registration_requests_name ON registration_requests (lower(full_name) text_pattern_ops)").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in Self.queueIndexes.map(\.name) + ["registration_requests_name"] { try await sql.drop(index: name).run() }
        try await sql.create(index: "registration_requests_status_step").on("registration_requests").column("status").column("step_started_at").run()
        try await sql.create(index: "registration_requests_queue").on("registration_requests")
            .column("agency_id").column("status").column("created_at").run()
    }
}
