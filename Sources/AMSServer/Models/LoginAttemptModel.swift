import Fluent
import Foundation

/// One password check, kept for throttling (per account name and client address together, and per client address).
final class LoginAttemptModel: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    /// SHA-256 of the submitted user name, lower-cased, whether or not such an account exists (a password typed into
    /// the user-name field is never kept in clear).
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
