import AMSCore
import Fluent
import Foundation
import SQLKit

/// Server-side sessions: created with a fresh random id at every sign-in (never reusing one the browser brought),
/// deleted at sign-out, ended in bulk on password or role changes, and deleted by the maintenance pass once past their
/// absolute timeout.
struct SessionStore: Sendable {
    let services: AMSServices

    /// Creates a session; returns the clear cookie value (only its hash is stored).
    func create(for userID: UUID, clientAddress: String, userAgent: String, on database: any Database) async throws -> String {
        let token = services.newToken().value
        let session = SessionModel(tokenHash: TokenDigest.hex(token), userID: userID, now: services.clock.now,
                                   clientAddress: clientAddress, userAgent: LogSafe.field(userAgent, limit: 256))
        try await session.create(on: database)
        return token
    }

    func delete(token: String, on database: any Database) async throws {
        try await SessionModel.query(on: database).filter(\.$tokenHash == TokenDigest.hex(token)).delete()
    }

    /// Sessions deleted per transaction by ``pruneExpired(on:)``.
    static let pruneBatchSize = 1_000

    /// Deletes the sessions past their absolute timeout, which no visit can bring back (a browser that never returns
    /// left them), a batch per transaction, each with the audit entry its browser's return would have written; returns
    /// how many. Only the rows this transaction deleted are audited, so two instances pruning at once audit each once.
    func pruneExpired(on database: any Database) async throws -> Int {
        let cutoff = services.clock.now.addingTimeInterval(-services.configuration.sessionPolicy.absoluteTimeout)
        var total = 0
        while true {
            let ended = try await WriteTransaction.run(on: database) { db in
                let users = try await (db as! any SQLDatabase).raw("""
                    DELETE FROM user_sessions WHERE id IN
                    (SELECT id FROM user_sessions WHERE created_at <= \(bind: cutoff) LIMIT \(literal: Self.pruneBatchSize))
                    RETURNING user_id
                    """).all().map { try $0.decode(column: "user_id", as: UUID.self) }
                try await services.audit.appendMany(users.map { user in
                    AuditLog.Entry(action: .sessionExpired, outcome: .success, context: .system("maintenance"), targetType: "user",
                                   targetID: user.uuidString, details: ["timeout": "absolute"])
                }, on: db)
                return users.count
            }
            total += ended
            if ended < Self.pruneBatchSize { return total }
        }
    }

    /// Ends all of a user's sessions, optionally keeping one.
    func endAll(for userID: UUID, except keptID: UUID? = nil, on database: any Database) async throws {
        var query = SessionModel.query(on: database).filter(\.$user.$id == userID)
        if let keptID { query = query.filter(\.$id != keptID) }
        try await query.delete()
    }
}
