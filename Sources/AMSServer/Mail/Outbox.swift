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

    /// Queues several messages with multi-row inserts; returns their `mail.queued` audit entries for the caller to
    /// append (with its own) in the same transaction.
    func enqueueMany(_ messages: [MailMessage], context: AuditContext, on database: any Database) async throws -> [AuditLog.Entry] {
        let now = clock.now
        let rows = try messages.map { message in
            let row = OutboxMessageModel()
            row.id = TimeOrderedUUID.make(at: now)
            row.messageID = "\(row.id!.uuidString.lowercased())@\(messageIDDomain)"
            row.createdAt = now
            row.recipient = message.recipient
            row.subject = message.subject
            row.template = message.template
            row.sealedBody = try sealer.seal(message, messageID: row.messageID)
            row.status = .pending
            row.attempts = 0
            row.nextAttemptAt = now
            return row
        }
        try await rows.createInStatements(on: database)
        return rows.map { row in
            .init(action: .mailQueued, context: context, targetType: "mail", targetID: row.id!.uuidString,
                  details: ["template": row.template, "recipient": row.recipient])
        }
    }
}
