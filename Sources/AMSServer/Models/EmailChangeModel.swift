import Fluent
import Foundation

/// A holder's requested change of e-mail address, waiting for the single-use link mailed to the new address.
final class EmailChangeModel: Model, @unchecked Sendable {
    static let schema = "email_changes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "new_email") var newEmail: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, newEmail: String, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$user.id = userID
        self.newEmail = newEmail
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
