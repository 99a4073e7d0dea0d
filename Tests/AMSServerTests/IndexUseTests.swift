@testable import AMSServer
import Foundation
import SQLKit
import Testing

/// The national-size reads go through their indexes: SQLite's planner, asked about the shapes of query the pages
/// and jobs send, names the index for each (on a table of any size; PostgreSQL's choice depends on its statistics).
@Suite("National-size reads use their indexes (SQLite's query plans)")
struct IndexUseTests {
    @Test(arguments: [
        // the certificate list, newest first: all, one agency's, one status's; a page after a cursor
        ("SELECT id FROM certificates ORDER BY requested_at DESC, id DESC LIMIT 26", "certificates_requested"),
        ("SELECT id FROM certificates WHERE agency_id = ? ORDER BY requested_at DESC, id DESC LIMIT 26", "certificates_agency_requested"),
        ("SELECT id FROM certificates WHERE status = ? ORDER BY requested_at DESC, id DESC LIMIT 26", "certificates_status_requested"),
        ("SELECT id FROM certificates WHERE requested_at <= ? AND (requested_at < ? OR (requested_at = ? AND id < ?)) "
            + "ORDER BY requested_at DESC, id DESC LIMIT 26",
         "certificates_requested"),
        // the expiry reminders: what became due (j reminders sent, notAfter within the next threshold); a renewal
        ("SELECT id FROM certificates WHERE status = ? AND ((reminder_stage = ? AND not_after > ? AND not_after <= ?) "
            + "OR (reminder_stage = ? AND not_after > ? AND not_after <= ?)) LIMIT 1000", "certificates_reminder_due"),
        ("SELECT id FROM certificates WHERE replaces_id = ?", "certificates_replaces"),
        // the audit export by actor, a batch after the last sequence
        ("SELECT sequence FROM audit_entries WHERE actor_name = ? AND sequence > ? ORDER BY sequence LIMIT 1000", "audit_entries_actor_sequence"),
        // the queue, one status at a time after a cursor: by waiting time (CA: all agencies; agency operators: theirs),
        // by creation for untimed statuses; a request by exact NIP or NIK, a name by its beginning in any case
        ("SELECT id FROM registration_requests WHERE status = ? AND step_started_at >= ? AND (step_started_at > ? OR (step_started_at = ? AND id > ?)) "
            + "ORDER BY step_started_at, id LIMIT 26", "registration_requests_status_waiting"),
        ("SELECT id FROM registration_requests WHERE agency_id = ? AND status = ? AND step_started_at >= ? "
            + "ORDER BY step_started_at, id LIMIT 26", "registration_requests_agency_waiting"),
        ("SELECT id FROM registration_requests WHERE status = ? AND created_at <= ? AND (created_at < ? OR (created_at = ? AND id < ?)) "
            + "ORDER BY created_at DESC, id DESC LIMIT 26", "registration_requests_status_created"),
        ("SELECT id FROM registration_requests WHERE agency_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT 26",
         "registration_requests_agency_created"),
        ("SELECT id FROM registration_requests WHERE status = ? AND full_name LIKE 'budi%' LIMIT 1001", "registration_requests_status_name"),
        ("SELECT id FROM registration_requests WHERE nip = ?", "registration_requests_nip"),
        ("SELECT id FROM registration_requests WHERE nik = ?", "registration_requests_nik"),
        // the time-standard tallies: the rollup's batch (ended, not counted yet, oldest start first) and the report's
        // part not counted yet, as Fluent writes them (the condition unqualified as the partial index states it)
        ("SELECT registration_step_timings.id FROM registration_step_timings WHERE NOT \"rolled_up\" "
            + "AND registration_step_timings.ended_at IS NOT NULL ORDER BY registration_step_timings.started_at ASC LIMIT 10000",
         "registration_step_timings_unrolled"),
        ("SELECT registration_step_timings.id FROM registration_step_timings WHERE NOT \"rolled_up\" "
            + "AND registration_step_timings.ended_at IS NOT NULL AND registration_step_timings.started_at >= ? "
            + "AND registration_step_timings.started_at < ? AND registration_step_timings.agency_id = ?",
         "registration_step_timings_unrolled"),
        // the housekeeping pass's batches: sign-in attempts too old to count, sessions past their absolute timeout and
        // signed documents past their ten minutes
        ("SELECT id FROM login_attempts WHERE occurred_at < ? LIMIT 5000", "login_attempts_time"),
        ("SELECT id FROM user_sessions WHERE created_at <= ? LIMIT 1000", "user_sessions_created"),
        ("SELECT id FROM signed_downloads WHERE expires_at <= ? LIMIT 1000", "signed_downloads_expiry"),
    ])
    func theQueryUsesItsIndex(query: String, index: String) async throws {
        try await TestApp.with(.sqlite) { t in
            let plan = try await t.sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + query.replacingOccurrences(of: "?", with: "NULL"))).all()
                .map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.contains { $0.contains("INDEX \(index)") }, "\(plan)")
            // and the index gives the order: no sort of what it found
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    /// The queue's name search as the page sends it when no exact value matched, one status at a time in that status's
    /// order: the status's names are one range of their index, for a common name or nobody's (then sorted: they are
    /// few). Sent with Fluent's "id in no ids" (`1 = 0 OR …`) in front, the same search walked the status in queue
    /// order testing every name: at 100,000 requests, 321 ms for a name nobody has among the finished requests.
    @Test(arguments: [("submitted", "budi", "step_started_at, id"), ("verified", "budi", "created_at DESC, id DESC"),
                      ("verified", "zzz", "created_at DESC, id DESC")])
    func theNameSearchReadsEachStatusByName(status: String, name: String, order: String) async throws {
        try await TestApp.with(.sqlite) { t in
            let query = "EXPLAIN QUERY PLAN SELECT id FROM registration_requests WHERE full_name LIKE '\(name)%' AND status = '\(status)' "
                + "ORDER BY \(order) LIMIT 26"
            let plan = try await t.sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.contains { $0.contains("INDEX registration_requests_status_name (status=? AND full_name>? AND full_name<?)") },
                    "\(plan)")
        }
    }
}
