import Fluent
import Foundation

/// One public-form submission: its client address, time and the proof-of-work challenge it spent (nothing else), for
/// ``AMSCore/SubmissionLimits`` and ``FormChallenge``.
final class SubmissionLogModel: Model, @unchecked Sendable {
    static let schema = "submission_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "occurred_at") var occurredAt: Date
    /// Unique: a solved challenge is spent by one submission.
    @OptionalField(key: "challenge_nonce") var challengeNonce: String?

    init() {}

    init(clientAddress: String, occurredAt: Date, challengeNonce: String?) {
        self.clientAddress = clientAddress
        self.occurredAt = occurredAt
        self.challengeNonce = challengeNonce
    }
}
