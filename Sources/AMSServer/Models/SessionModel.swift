import Fluent
import Foundation

/// A signed-in browser session, stored server-side so every instance sees it and sign-out really ends it.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    @ID(key: .id) var id: UUID?
    /// SHA-256 of the cookie value; the cookie value itself is never stored.
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "user_agent") var userAgent: String

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    var properties: [any AnyProperty] {
        [
            $id, $tokenHash, $user, $createdAt, $lastSeenAt, $clientAddress, $userAgent
        ]
    }

    init() {}

    init(id: UUID? = nil, tokenHash: String, userID: UUID, now: Date, clientAddress: String, userAgent: String) {
        self.id = id
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.createdAt = now
        self.lastSeenAt = now
        self.clientAddress = clientAddress
        self.userAgent = String(userAgent.prefix(256))
    }
}
