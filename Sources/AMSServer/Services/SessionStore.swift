import AMSCore
import Fluent
import Foundation
import SQLKit

/// Server-side sessions: created with a fresh random id at every sign-in (never reusing one the browser brought),
/// deleted at sign-out, ended in bulk on password or role changes, and deleted by the housekeeping pass once past
/// their absolute timeout.
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
    /// left them), each with the audit entry its browser's return would have written, in the transaction that deleted
    /// it; returns how many. Only the rows a transaction deleted are audited, so two instances pruning at once audit
    /// each once.
    func pruneExpired(on database: any Database) async throws -> Int {
        let cutoff = services.clock.now.addingTimeInterval(-services.configuration.sessionPolicy.absoluteTimeout)
        let audit = services.audit
        return try await BatchedDelete(table: SessionModel.schema, condition: "created_at <= \(bind: cutoff)",
                                       batchSize: Self.pruneBatchSize).run(on: database, returning: "user_id") { users, db in
            try await audit.appendMany(users.map { user in
                AuditLog.Entry(action: .sessionExpired, outcome: .success, context: .system("maintenance"), targetType: "user",
                               targetID: user.uuidString, details: ["timeout": "absolute"])
            }, on: db)
        }
    }

    /// Ends all of a user's sessions, optionally keeping one.
    func endAll(for userID: UUID, except keptID: UUID? = nil, on database: any Database) async throws {
        var query = SessionModel.query(on: database).filter(\.$user.$id == userID)
        if let keptID { query = query.filter(\.$id != keptID) }
        try await query.delete()
    }
}
