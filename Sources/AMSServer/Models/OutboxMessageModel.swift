import Fluent
import Foundation

/// A mail waiting in, or delivered from, the transactional outbox.
final class OutboxMessageModel: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    enum Status: String, Codable, CaseIterable {
        /// Waiting for (another) delivery attempt.
        case pending
        /// Claimed by a worker; an SMTP transaction may be under way.
        case sending
        /// Accepted by the SMTP server.
        case sent
        /// Given up after the maximum number of attempts.
        case failed
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // data
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    /// Which template produced it, e.g. `initial_password` (for the outbox list; holds no secret).
    @Field(key: "template") var template: String
    /// AES-GCM sealed body (base64): bodies may hold initial passwords and links, so they are never stored in clear.
    @OptionalField(key: "sealed_body") var sealedBody: String?
    @Field(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    /// The RFC 5322 Message-ID, fixed at creation so a repeated delivery is recognisable as the same message.
    @Field(key: "message_id") var messageID: String

    init() {}
}
