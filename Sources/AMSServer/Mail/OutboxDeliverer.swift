import AMSCore
import Fluent
import Foundation
import Logging
import SQLKit

/// One delivery pass over the outbox. Each message is claimed with a conditional update (pending → sending), so
/// two workers never send the same message; after the server accepts it, it is marked sent and its sealed body is
/// erased. Failures back off exponentially; 5xx replies and too many attempts end in `failed`.
struct OutboxDeliverer: Sendable {
    struct PassReport: Sendable, Equatable {
        var sent = 0
        var retried = 0
        var failed = 0
    }

    let transport: any MailTransport
    let sealer: MailSealer
    let audit: AuditLog
    let clock: any AMSCore.Clock
    let maxAttempts: Int
    let logger: Logger
    /// A message left in `sending` this long (the worker died mid-send) goes back to the queue.
    var staleClaimAfter: TimeInterval = 600

    static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(3600, 15 * pow(2, Double(max(0, attempt - 1))))
    }

    func deliverDue(on database: any Database, limit: Int = 50) async throws -> PassReport {
        let now = clock.now
        // Bounded, so that a query lost with its connection (see DatabaseDeadline) cannot stall the queue.
        let due = try await DatabaseDeadline.run(seconds: 30, on: database.eventLoop) {
            try await requeueStaleClaims(on: database, now: now)
            return try await OutboxMessageModel.query(on: database)
                .filter(\.$status == .pending)
                .filter(\.$nextAttemptAt <= now)
                .sort(\.$createdAt)
                .limit(limit)
                .all()
        }
        var report = PassReport()
        for message in due {
            guard try await DatabaseDeadline.run(seconds: 30, on: database.eventLoop, { try await claim(message, on: database) }) else { continue }
            switch await deliver(message, on: database) {
            case .sent: report.sent += 1
            case .retry: report.retried += 1
            case .failed: report.failed += 1
            }
        }
        return report
    }

    private enum Outcome { case sent, retry, failed }

    private func claim(_ message: OutboxMessageModel, on database: any Database) async throws -> Bool {
        let sql = database as! any SQLDatabase
        let claimedAt = clock.now
        let rows = try await sql.update("outbox_messages")
            .set("status", to: OutboxMessageModel.Status.sending.rawValue)
            .set("claimed_at", to: claimedAt)
            .where("id", .equal, message.id!)
            .where("status", .equal, OutboxMessageModel.Status.pending.rawValue)
            .returning("id")
            .all()
        return !rows.isEmpty
    }

    private func deliver(_ message: OutboxMessageModel, on database: any Database) async -> Outcome {
        let id = message.id!
        do {
            guard let sealed = message.sealedBody else {
                throw MailTransportError(description: "message body is missing", isPermanent: true)
            }
            let mail = try sealer.open(sealed, messageID: message.messageID)
            try await transport.send(OutgoingMail(message: mail, messageID: message.messageID, date: message.createdAt))
        } catch {
            let transportError = error as? MailTransportError
            let attempts = message.attempts + 1
            let giveUp = (transportError?.isPermanent ?? false) || attempts >= maxAttempts
            let reason = LogSafe.field(transportError?.description ?? String(describing: type(of: error)), limit: 300)
            logger.warning("mail delivery failed", metadata: ["message": "\(id)", "attempt": "\(attempts)", "reason": "\(reason)"])
            do {
                try await WriteTransaction.run(on: database) { db in
                    guard let row = try await OutboxMessageModel.find(id, on: db) else { return }
                    row.attempts = attempts
                    row.lastError = reason
                    row.claimedAt = nil
                    row.status = giveUp ? .failed : .pending
                    row.nextAttemptAt = clock.now.addingTimeInterval(Self.backoff(afterAttempt: attempts))
                    if giveUp { row.sealedBody = nil }
                    try await row.save(on: db)
                    if giveUp {
                        try await audit.append(.mailFailed, outcome: .failure, context: .system("mail-worker"),
                                               targetType: "mail", targetID: id.uuidString,
                                               details: ["template": row.template, "attempts": "\(attempts)", "reason": reason], on: db)
                    }
                }
            } catch {
                logger.error("could not record mail failure", metadata: ["message": "\(id)"])
            }
            return giveUp ? .failed : .retry
        }
        // Accepted by the server: record it, retrying until the database answers, so the message is not sent again.
        for attempt in 0..<20 {
            do {
                try await WriteTransaction.run(on: database) { db in
                    guard let row = try await OutboxMessageModel.find(id, on: db) else { return }
                    row.status = .sent
                    row.sentAt = clock.now
                    row.attempts = row.attempts + 1
                    row.sealedBody = nil
                    row.lastError = nil
                    try await row.save(on: db)
                    try await audit.append(.mailSent, context: .system("mail-worker"), targetType: "mail",
                                           targetID: id.uuidString, details: ["template": row.template], on: db)
                }
                return .sent
            } catch {
                logger.error("could not record a sent mail; retrying", metadata: ["message": "\(id)", "try": "\(attempt)"])
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
        return .sent
    }

    private func requeueStaleClaims(on database: any Database, now: Date) async throws {
        let sql = database as! any SQLDatabase
        try await sql.update("outbox_messages")
            .set("status", to: OutboxMessageModel.Status.pending.rawValue)
            .set("claimed_at", to: SQLLiteral.null)
            .where("status", .equal, OutboxMessageModel.Status.sending.rawValue)
            .where("claimed_at", .lessThan, now.addingTimeInterval(-staleClaimAfter))
            .run()
    }
}
