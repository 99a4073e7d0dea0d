import Fluent
import Foundation

/// One public-form submission: its client address and time (nothing else), for ``AMSCore/SubmissionLimits``.
final class SubmissionLogModel: Model, @unchecked Sendable {
    static let schema = "submission_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(clientAddress: String, occurredAt: Date) {
        self.clientAddress = clientAddress
        self.occurredAt = occurredAt
    }
}
