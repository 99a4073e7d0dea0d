import Fluent
import Foundation

/// A signed document waiting for its application's `GET /api/sign/download/{id_dokumen}` (v1 of the national API):
/// given once, then deleted; deleted unasked after ten minutes. The id is random (the `id_dokumen`).
final class SignedDownloadModel: Model, @unchecked Sendable {
    static let schema = "signed_downloads"
    static let lifetime: TimeInterval = 10 * 60

    @ID(key: .id) var id: UUID?
    @Parent(key: "key_id") var key: APIKeyModel
    @Field(key: "name") var name: String
    @Field(key: "document") var document: Data
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
