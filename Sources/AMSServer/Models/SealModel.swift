import AMSCore
import Fluent
import Foundation

/// An institution's electronic seal: requested by an agency operator, decided by a CA operator; once active, its
/// certificate (the agency as an organisation, the seal policy) and its key, sealed under the key-encryption key —
/// AMS holds it, nobody downloads it. `idSubscriber` is how the national API names it.
final class SealModel: Model, @unchecked Sendable {
    static let schema = "seals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "agency_id") var agency: AgencyModel
    @Field(key: "id_subscriber") var idSubscriber: String
    @Field(key: "name") var name: String
    @Field(key: "contact_email") var contactEmail: String
    @Enum(key: "status") var status: SealStatus
    @Field(key: "requested_by_id") var requestedByID: UUID
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_by_id") var decidedByID: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "issuer_ca_id") var issuerID: UUID?
    @OptionalField(key: "serial_hex") var serialHex: String?
    @OptionalField(key: "certificate_der") var certificateDER: Data?
    @OptionalField(key: "not_after") var notAfter: Date?
    @OptionalField(key: "sealed_key") var sealedKey: Data?
    @OptionalField(key: "key_algorithm") var keyAlgorithm: String?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revocation_reason") var revocationReason: Int?

    init() {}
}
