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

    /// A message sealed ahead of the transaction that queues it (sealing needs no database, so a batch can seal on
    /// every core first).
    struct Prepared: Sendable {
        let id: UUID
        let messageID: String
        let message: MailMessage
        let sealedBody: String
    }

    /// Gives the message its id and Message-ID and seals its body.
    func prepare(_ message: MailMessage) throws -> Prepared {
        let id = TimeOrderedUUID.make(at: clock.now)
        let messageID = "\(id.uuidString.lowercased())@\(messageIDDomain)"
        return Prepared(id: id, messageID: messageID, message: message, sealedBody: try sealer.seal(message, messageID: messageID))
    }

    /// Queues several messages with batched inserts; returns their `mail.queued` audit entries for the caller to
    /// append (with its own) in the same transaction.
    func enqueueMany(_ messages: [MailMessage], context: AuditContext, on database: any Database) async throws -> [AuditLog.Entry] {
        let prepared = try messages.map(prepare)
        try await insert(prepared, on: database)
        return prepared.map { Self.queuedEntry($0, context: context) }
    }

    /// Inserts prepared messages, leaving their `mail.queued` entries (``queuedEntry(_:context:)``) to the caller.
    func insert(_ prepared: [Prepared], on database: any Database) async throws {
        let now = clock.now
        let rows: [[BulkValue]] = prepared.map { mail in
            [.uuid(mail.id), .date(now), .text(mail.message.recipient), .text(mail.message.subject),
             .text(mail.message.template), .text(mail.sealedBody), .raw(OutboxMessageModel.Status.pending), .integer(0),
             .date(now), .text(mail.messageID)]
        }
        try await Self.bulkInsert.run(rows, on: database)
    }

    /// The `mail.queued` audit entry of a message (recipient and template, never the body).
    static func queuedEntry(_ mail: Prepared, context: AuditContext) -> AuditLog.Entry {
        .init(action: .mailQueued, context: context, targetType: "mail", targetID: mail.id.uuidString,
              details: ["template": mail.message.template, "recipient": mail.message.recipient])
    }
}
