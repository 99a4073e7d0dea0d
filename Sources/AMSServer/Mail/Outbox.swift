import AMSCore
import Fluent
import Foundation

/// The transactional outbox: a mail is a row written in the same transaction as the change that causes it.
struct Outbox: Sendable {
    let sealer: MailSealer
    let audit: AuditLog
    let clock: any AMSCore.Clock
    /// The domain used in Message-IDs (the public host name).
    let messageIDDomain: String

    /// Queues `message` with its `mail.queued` audit entry; call with the transaction's database.
    func enqueue(_ message: MailMessage, context: AuditContext, on database: any Database) async throws {
        try await audit.appendMany(try await enqueueMany([message], context: context, on: database), on: database)
    }

    /// The columns ``enqueueMany(_:context:on:)`` fills; the others start empty.
    private static let bulkInsert = BulkInsert(table: OutboxMessageModel.schema, columns: [
        "id", "created_at", "recipient", "subject", "template", "sealed_body", "status", "attempts", "next_attempt_at", "message_id",
    ])

    /// Queues several messages with batched inserts; returns their `mail.queued` audit entries for the caller to
    /// append (with its own) in the same transaction.
    func enqueueMany(_ messages: [MailMessage], context: AuditContext, on database: any Database) async throws -> [AuditLog.Entry] {
        var rows: [[any Encodable & Sendable]] = []
        var entries: [AuditLog.Entry] = []
        let now = clock.now
        for message in messages {
            let id = UUID()
            let messageID = "\(id.uuidString.lowercased())@\(messageIDDomain)"
            rows.append([id, now, message.recipient, message.subject, message.template, try sealer.seal(message, messageID: messageID),
                         OutboxMessageModel.Status.pending, 0, now, messageID])
            entries.append(.init(action: .mailQueued, context: context, targetType: "mail", targetID: id.uuidString,
                                 details: ["template": message.template, "recipient": message.recipient]))
        }
        try await Self.bulkInsert.run(rows, on: database)
        return entries
    }
}
