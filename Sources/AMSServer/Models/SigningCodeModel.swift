import Fluent
import Foundation

/// A second-factor code mailed to a holder for signing: stored as a keyed hash, bound to the number of documents it
/// was asked for, single use, valid five minutes.
final class SigningCodeModel: Model, @unchecked Sendable {
    static let schema = "signing_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "documents") var documents: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
