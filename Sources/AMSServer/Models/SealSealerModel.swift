import Fluent
import Foundation

/// An agency account that may seal with the agency's seal: it receives the activation codes the national API's
/// `/api/v2/seal/get/activation` asks for.
final class SealSealerModel: Model, @unchecked Sendable {
    static let schema = "seal_sealers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "seal_id") var seal: SealModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "added_by_id") var addedByID: UUID
    @Field(key: "added_at") var addedAt: Date

    init() {}
}
