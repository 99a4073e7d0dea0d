import Fluent
import Foundation

/// A password-reset request as the form received it, waiting for the reset worker
/// (``AccountService/processPasswordResetRequests(limit:)``). What was typed may be anything (a password in the
/// wrong field), so it is kept sealed with the request's client address and id, bound to the row.
final class PasswordResetRequestModel: Model, @unchecked Sendable {
    static let schema = "password_reset_requests"

    /// What is sealed in a row.
    struct Content: Codable {
        var identifier: String
        var clientAddress: String
        var requestID: String
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "sealed") var sealed: String
    @Field(key: "requested_at") var requestedAt: Date

    init() {}

    init(id: UUID, sealed: String, requestedAt: Date) {
        self.id = id
        self.sealed = sealed
        self.requestedAt = requestedAt
    }
}
