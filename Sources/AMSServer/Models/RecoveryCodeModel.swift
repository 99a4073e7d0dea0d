import Fluent
import Foundation

/// One of a holder's single-use recovery codes (given once when the authenticator is enrolled), stored as a keyed
/// hash; it stands in for an authenticator code when the phone is lost.
final class RecoveryCodeModel: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
