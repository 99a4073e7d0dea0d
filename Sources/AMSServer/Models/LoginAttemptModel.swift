import Fluent
import Foundation

/// One sign-in attempt, kept for throttling (per account name and per client address).
final class LoginAttemptModel: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    /// The submitted user name, lower-cased, whether or not such an account exists.
    @Field(key: "account_key") var accountKey: String
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(accountKey: String, clientAddress: String, succeeded: Bool, occurredAt: Date) {
        self.accountKey = accountKey
        self.clientAddress = clientAddress
        self.succeeded = succeeded
        self.occurredAt = occurredAt
    }
}
