import AMSCore
import Fluent
import Foundation
import PostgresNIO
import SQLiteNIO
import SQLKit

/// The audit log read in sequence order as plain rows (not models: their decoding was most of the time), a batch at a
/// time by keyset on `sequence`, with the next batch read and decoded while the caller works on the current one — the
/// database and the caller overlap on two cores. The export and the chain verification both walk the log this way.
/// Each engine's rows are read by its own driver, cell by cell (`+SQLite`, `+PostgreSQL`): SQLKit's generic
/// `Decodable` row decoding (a type check and conformance lookups for every cell) was the largest part of reading.
struct AuditEntryBatches: Sendable {
    /// One stored entry as read.
    struct Row: Sendable {
        let sequence: Int64
        let occurredAt: Date
        let actorID: UUID?
        let actorName: String
        let actorRole: String
        let action: String
        let targetType: String
        let targetID: String
        let outcome: String
        let clientAddress: String
        let requestID: String
        let details: String
        let previousMAC: String
        let mac: String

        /// The record the chain MAC covers; nil when the stored outcome is no known outcome.
        var record: AuditRecord? {
            guard let outcome = AuditOutcome(rawValue: outcome) else { return nil }
            return AuditRecord(sequence: sequence, occurredAt: occurredAt, actorID: actorID, actorName: actorName, actorRole: actorRole,
                               action: action, targetType: targetType, targetID: targetID, outcome: outcome,
                               clientAddress: clientAddress, requestID: requestID, details: AuditRecord.details(fromJSON: details))
        }
    }

    /// The columns read, in this order: PostgreSQL's reader (``Row/init(postgres:)``) decodes them by position, and
    /// most are text: reordered here alone, fields would swap silently in the export (the verification would fail).
    static let columns = ["sequence", "occurred_at", "actor_id", "actor_name", "actor_role", "action", "target_type", "target_id",
                          "outcome", "client_address", "request_id", "details", "previous_mac", "mac"]

    let database: any Database
    var batchSize = 2000
    /// Narrows every batch's query (the export's filter); nothing by default.
    var narrow: @Sendable (SQLSelectBuilder) -> SQLSelectBuilder = { $0 }

    /// Hands `body` the entries after `sequence`, a batch at a time in order, until the log ends or `body` returns false.
    func forEach(after sequence: Int64, _ body: ([Row]) async throws -> Bool) async throws {
        var next = Task { try await read(after: sequence) }
        while true {
            let batch = try await next.value
            let full = batch.count == batchSize
            if full, let last = batch.last?.sequence { next = Task { try await read(after: last) } }
            guard try await body(batch) else {
                next.cancel()
                return
            }
            if !full { return }
        }
    }

    private func read(after sequence: Int64) async throws -> [Row] {
        let sql = database as! any SQLDatabase
        let query = sql.serialize(narrow(sql.select().columns(Self.columns.map { SQLIdentifier($0) }).from(AuditEntryModel.schema)
            .where("sequence", .greaterThan, sequence)).orderBy("sequence").limit(batchSize).query)
        if let sqlite = database as? any SQLiteDatabase { return try await Self.read(query, on: sqlite) }
        guard let postgres = database as? any PostgresDatabase else { throw ReadFailure(description: "audit log: unknown engine") }
        return try await Self.read(query, on: postgres, logger: database.logger)
    }

    /// A batch that could not be read: a column not holding what it should, or a filter value the driver cannot send.
    struct ReadFailure: Error, CustomStringConvertible {
        let description: String
    }
}
