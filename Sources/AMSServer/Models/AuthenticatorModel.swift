import Fluent
import Foundation

/// A holder's authenticator app (RFC 6238 TOTP): the shared secret sealed (AES-GCM, bound to the holder), usable
/// once confirmed with a first code; `lastStep` is the newest 30-second step accepted, so no code works twice.
final class AuthenticatorModel: Model, @unchecked Sendable {
    static let schema = "authenticators"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "secret_sealed") var secretSealed: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "last_step") var lastStep: Int64?

    init() {}
}
