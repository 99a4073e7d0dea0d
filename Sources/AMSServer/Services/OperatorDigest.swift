import AMSCore
import Fluent
import SQLKit
import Foundation

/// The operators' digest: a mail, at most every ``interval``, to each active operator for whom requests came in
/// since their last digest or wait past their time standard, with the counts and the link to their queue. Nothing
/// is sent to an operator with nothing new or overdue. The mail and the operator's "last sent" mark are written in
/// one transaction.
struct OperatorDigest: Sendable {
    let services: AMSServices
    let database: any Database
    /// The shortest time between two digests to one operator (`AMS_DIGEST_MINUTES`).
    let interval: TimeInterval

    /// One pass over the operators; returns how many digests were queued.
    @discardableResult
    func sendDue() async throws -> Int {
        let now = services.clock.now
        let workload = OperatorWorkload(standards: services.configuration.timeStandards, database: database, countCap: nil)
        let operators = try await UserModel.query(on: database).filter(\.$role ~~ [.agencyOperator, .caOperator])
            .filter(\.$isActive == true).all()
        var sent = 0
        for user in operators {
            if let last = user.digestSentAt, now.timeIntervalSince(last) < interval { continue }
            let since = user.digestSentAt ?? now.addingTimeInterval(-interval)
            let counts = try await workload.counts(for: user, now: now, newSince: since)
            guard counts.new > 0 || counts.overdue > 0 else { continue }
            let mail = services.mail.compose(to: user, template: "operator_digest", arguments: [
                "new": String(counts.new), "overdue": String(counts.overdue), "waiting": String(counts.waiting),
                "url": services.configuration.publicBaseURL + "/requests",
            ])
            let cutoff = now.addingTimeInterval(-interval)
            let claimed = try await WriteTransaction.run(on: database) { [services] db in
                // claimed only while still due: a sibling instance's pass that got there first leaves nothing to send
                let sql = db as! any SQLDatabase
                let rows = try await sql.update(UserModel.schema).set("digest_sent_at", to: now).where("id", .equal, user.id!)
                    .where { $0.where("digest_sent_at", .is, SQLLiteral.null).orWhere("digest_sent_at", .lessThanOrEqual, cutoff) }
                    .returning("id").all()
                guard rows.count == 1 else { return false }
                try await services.outbox.enqueue(mail, context: .system("digest"), on: db)
                return true
            }
            if claimed { sent += 1 }
        }
        return sent
    }
}
