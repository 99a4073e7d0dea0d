import Fluent
import Foundation

/// A code of the national API's seal calls, stored hashed and bound to the seal and the calling application: a mailed
/// activation code (single use, minutes), an activation (the application's secret until it ends it), or a code for
/// one batch of documents (single use, minutes, its document count).
final class SealCodeModel: Model, @unchecked Sendable {
    static let schema = "seal_codes"

    enum Kind: String, Codable, Sendable {
        case activationCode = "activation_code"
        case activation
        case batch
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "seal_id") var seal: SealModel
    @Parent(key: "api_key_id") var apiKey: APIKeyModel
    @Enum(key: "kind") var kind: Kind
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "documents") var documents: Int?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
