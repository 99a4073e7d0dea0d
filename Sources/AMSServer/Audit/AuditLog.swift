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
        let sql = database as! any SQLDatabase
        // Locks the head row (PostgreSQL row lock; SQLite write lock) until the surrounding transaction ends.
        try await sql.raw("UPDATE audit_chain_head SET last_sequence = last_sequence + 1 WHERE id = 1").run()
        guard let head = try await AuditChainHeadModel.find(1, on: database) else {
            throw DomainError("audit_head_missing", "the audit chain head row is missing")
        }
        let record = AuditRecord(
            sequence: head.lastSequence, occurredAt: clock.now, actorID: context.actorID,
            actorName: LogSafe.field(context.actorName), actorRole: context.actorRole, action: action.rawValue,
            targetType: targetType, targetID: LogSafe.field(targetID), outcome: outcome,
            clientAddress: LogSafe.field(context.clientAddress), requestID: LogSafe.field(context.requestID),
            details: details.mapValues { LogSafe.field($0) })
        let mac = chain.mac(previousMAC: head.lastMAC, record: record)
        try await AuditEntryModel(record: record, previousMAC: head.lastMAC, mac: mac).create(on: database)
        try await sql.update("audit_chain_head").set("last_mac", to: mac).where("id", .equal, 1).run()
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
