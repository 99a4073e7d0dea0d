import AMSCore
import Fluent
import Foundation

/// Server-side sessions: created with a fresh random id at every sign-in (never reusing one the browser brought),
/// deleted at sign-out, and ended in bulk on password or role changes.
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

    /// Ends all of a user's sessions, optionally keeping one.
    func endAll(for userID: UUID, except keptID: UUID? = nil, on database: any Database) async throws {
        var query = SessionModel.query(on: database).filter(\.$user.$id == userID)
        if let keptID { query = query.filter(\.$id != keptID) }
        try await query.delete()
    }
}
