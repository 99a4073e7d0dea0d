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

    /// Appends several entries in order with one head update and multi-row inserts; ``append`` is this for one
    /// entry. The head row's update locks it (PostgreSQL row lock; SQLite write lock) until the surrounding
    /// transaction ends.
    func appendMany(_ entries: [Entry], on database: any Database) async throws {
        guard !entries.isEmpty else { return }
        let now = clock.now
        let sql = database as! any SQLDatabase
        try await sql.raw("UPDATE audit_chain_head SET last_sequence = last_sequence + \(bind: entries.count) WHERE id = 1").run()
        guard let head = try await AuditChainHeadModel.find(1, on: database) else {
            throw DomainError(.auditHeadMissing, "the audit chain head row is missing")
        }
        var sequence = head.lastSequence - Int64(entries.count)
        var previous = head.lastMAC
        var rows: [AuditEntryModel] = []
        for entry in entries {
            sequence += 1
            let record = AuditRecord(
                sequence: sequence, occurredAt: now, actorID: entry.context.actorID,
                actorName: LogSafe.field(entry.context.actorName), actorRole: entry.context.actorRole, action: entry.action.rawValue,
                targetType: entry.targetType, targetID: LogSafe.field(entry.targetID), outcome: entry.outcome,
                clientAddress: LogSafe.field(entry.context.clientAddress), requestID: LogSafe.field(entry.context.requestID),
                details: entry.details.mapValues { LogSafe.field($0) })
            let mac = chain.mac(previousMAC: previous, record: record)
            let row = AuditEntryModel(record: record, previousMAC: previous, mac: mac)
            row.id = TimeOrderedUUID.make(at: now)
            rows.append(row)
            previous = mac
        }
        try await rows.createInStatements(on: database)
        try await sql.update("audit_chain_head").set("last_mac", to: previous).where("id", .equal, 1).run()
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
