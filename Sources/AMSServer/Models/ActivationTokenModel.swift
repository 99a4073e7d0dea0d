import Fluent
import Foundation

/// A single-use activation link (SOP step 3), stored as a hash; voided when a new one is sent.
final class ActivationTokenModel: Model, @unchecked Sendable {
    static let schema = "activation_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "request_id") var request: RegistrationRequestModel
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "voided_at") var voidedAt: Date?

    init() {}

    init(requestID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$request.id = requestID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
