import Fluent
import Foundation

/// A root certificate an administrator added as a trust anchor for verifying signatures (besides AMS's own root).
final class TrustAnchorModel: Model, @unchecked Sendable {
    static let schema = "trust_anchors"

    @ID(key: .id) var id: UUID?
    @Field(key: "subject") var subject: String
    @Field(key: "certificate_der") var certificateDER: Data
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by_id") var createdByID: UUID?

    init() {}
}
