import AMSCore
import Fluent
import Foundation
import SQLKit

/// Appends entries to the chained audit log. Always called with the database of the transaction that makes the
/// change being recorded, so the entry commits or rolls back with it.
struct AuditLog: Sendable {
    let chain: AuditChain
    let clock: any AMSCore.Clock

    func append(_ action: AuditAction, outcome: AuditOutcome = .success, context: AuditContext,
                targetType: String = "", targetID: String = "", details: [String: String] = [:],
                on database: any Database) async throws {
        try await appendMany([Entry(action: action, outcome: outcome, context: context, targetType: targetType,
                                    targetID: targetID, details: details)], on: database)
    }

    /// One entry of ``appendMany(_:on:)``.
    struct Entry: Sendable {
        var action: AuditAction
        var outcome: AuditOutcome = .success
        var context: AuditContext
        var targetType: String
        var targetID: String
        var details: [String: String]
    }

    /// Appends several entries in order with one head update and batched inserts; ``append`` is this for one entry.
    /// The head row's update locks it (PostgreSQL row lock; SQLite write lock) until the surrounding transaction ends.
    func appendMany(_ entries: [Entry], on database: any Database) async throws {
        let now = clock.now
        try await appendMany(prepared: entries.map { prepare($0, at: now) }, on: database)
    }

    /// An entry made ready for the chain before its transaction (a batch prepares thousands on every core): its id
    /// and time, its fields made log-safe, its details as JSON and its canonical bytes after the sequence number.
    /// Appending gives it its sequence number and MAC.
    struct Prepared: Sendable {
        let id: UUID
        let record: AuditRecord
        let detailsJSON: String
        let canonicalTail: [UInt8]
    }

    func prepare(_ entry: Entry, at now: Date) -> Prepared {
        let record = AuditRecord(
            sequence: 0, occurredAt: now, actorID: entry.context.actorID,
            actorName: LogSafe.field(entry.context.actorName), actorRole: entry.context.actorRole, action: entry.action.rawValue,
            targetType: entry.targetType, targetID: LogSafe.field(entry.targetID), outcome: entry.outcome,
            clientAddress: LogSafe.field(entry.context.clientAddress), requestID: LogSafe.field(entry.context.requestID),
            details: entry.details.mapValues { LogSafe.field($0) })
        return Prepared(id: TimeOrderedUUID.make(at: record.occurredAt), record: record, detailsJSON: record.detailsJSON,
                        canonicalTail: record.canonicalTail)
    }

    /// Appends prepared entries in order, as ``appendMany(_:on:)`` does.
    func appendMany(prepared entries: [Prepared], on database: any Database) async throws {
        guard !entries.isEmpty else { return }
        let sql = database as! any SQLDatabase
        try await sql.raw("UPDATE audit_chain_head SET last_sequence = last_sequence + \(bind: entries.count) WHERE id = 1").run()
        guard let head = try await AuditChainHeadModel.find(1, on: database) else {
            throw DomainError("audit_head_missing", "the audit chain head row is missing")
        }
        var sequence = head.lastSequence - Int64(entries.count)
        var previous = head.lastMAC
        var rows: [[BulkValue]] = []
        rows.reserveCapacity(entries.count)
        for entry in entries {
            sequence += 1
            let mac = chain.mac(previousMAC: previous, sequence: sequence, canonicalTail: entry.canonicalTail)
            rows.append(Self.row(entry, sequence: sequence, previousMAC: previous, mac: mac))
            previous = mac
        }
        try await Self.bulkInsert.run(rows, on: database)
        try await sql.update("audit_chain_head").set("last_mac", to: previous).where("id", .equal, 1).run()
    }

    private static let bulkInsert = BulkInsert(table: AuditEntryModel.schema, columns: [
        "id", "sequence", "occurred_at", "actor_id", "actor_name", "actor_role", "action", "target_type", "target_id",
        "outcome", "client_address", "request_id", "details", "previous_mac", "mac",
    ])

    /// The columns of ``bulkInsert`` as ``AuditEntryModel`` would write them.
    private static func row(_ entry: Prepared, sequence: Int64, previousMAC: String, mac: String) -> [BulkValue] {
        let record = entry.record
        return [.uuid(entry.id), .integer(Int(sequence)), .date(record.occurredAt), .uuid(record.actorID), .text(record.actorName),
                .text(record.actorRole), .text(record.action), .text(record.targetType), .text(record.targetID), .raw(record.outcome),
                .text(record.clientAddress), .text(record.requestID), .text(entry.detailsJSON), .text(previousMAC), .text(mac)]
    }

    /// Appends outside any caller transaction (e.g. a refused sign-in, which changes nothing else).
    func appendAlone(_ action: AuditAction, outcome: AuditOutcome = .success, context: AuditContext,
                     targetType: String = "", targetID: String = "", details: [String: String] = [:],
                     on database: any Database) async throws {
        try await WriteTransaction.run(on: database) { db in
            try await append(action, outcome: outcome, context: context, targetType: targetType,
                             targetID: targetID, details: details, on: db)
        }
    }
}
