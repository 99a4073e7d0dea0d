import Fluent
import Foundation

/// A registration an agency application started for a person (`/api/v2/user/registration`): the mailed link opens
/// SOP step 1 with the name, address and agency filled in. While it lives, the person's status is
/// WAITING_FOR_VERIFICATION rather than NOT_REGISTERED.
final class RegistrationInvitationModel: Model, @unchecked Sendable {
    static let schema = "registration_invitations"
    static let lifetime: TimeInterval = 7 * 86_400

    @ID(key: .id) var id: UUID?
    @Parent(key: "agency_id") var agency: AgencyModel
    @Parent(key: "key_id") var key: APIKeyModel
    @Field(key: "full_name") var fullName: String
    @Field(key: "email") var email: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
