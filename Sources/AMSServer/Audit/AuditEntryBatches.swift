import AMSCore
import Fluent
import Foundation
import SQLKit

/// The audit log read in sequence order as plain rows (not models: their decoding was most of the time), a batch at a
/// time by keyset on `sequence`, with the next batch read and decoded while the caller works on the current one — the
/// database and the caller overlap on two cores. The export and the chain verification both walk the log this way.
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
        let rows = try await narrow(sql.select().columns(Self.columns.map { SQLIdentifier($0) }).from(AuditEntryModel.schema)
            .where("sequence", .greaterThan, sequence)).orderBy("sequence").limit(batchSize).all()
        return try rows.map { row in
            Row(sequence: try row.decode(column: "sequence", as: Int64.self), occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                actorID: try row.decode(column: "actor_id", as: UUID?.self), actorName: try row.decode(column: "actor_name", as: String.self),
                actorRole: try row.decode(column: "actor_role", as: String.self), action: try row.decode(column: "action", as: String.self),
                targetType: try row.decode(column: "target_type", as: String.self), targetID: try row.decode(column: "target_id", as: String.self),
                outcome: try row.decode(column: "outcome", as: String.self),
                clientAddress: try row.decode(column: "client_address", as: String.self),
                requestID: try row.decode(column: "request_id", as: String.self), details: try row.decode(column: "details", as: String.self),
                previousMAC: try row.decode(column: "previous_mac", as: String.self), mac: try row.decode(column: "mac", as: String.self))
        }
    }
}
