import AMSCore
import Fluent
import Foundation

/// A holder's certificate from request to expiry or revocation. The row exists before the certificate is signed
/// (status `issuing` with its serial), so a signed certificate is never unknown to AMS.
final class CertificateModel: Model, @unchecked Sendable {
    static let schema = "certificates"

    @ID(key: .id) var id: UUID?
    @Parent(key: "holder_id") var holder: UserModel
    @OptionalParent(key: "agency_id") var agency: AgencyModel?
    @Field(key: "status") var status: CertificateStatus
    @Field(key: "method") var method: CertificateMethod
    /// The ``AMSPKI/CertificateProfile`` name it is (to be) issued under.
    @Field(key: "profile") var profile: String
    /// Optimistic lock: two operators deciding at once, one wins.
    @Field(key: "version") var version: Int
    /// The subject as text (RFC 4514), for lists and search.
    @Field(key: "subject") var subject: String
    @Field(key: "email") var email: String
    @Field(key: "key_algorithm") var keyAlgorithm: String
    /// SubjectPublicKeyInfo DER.
    @Field(key: "public_key") var publicKey: Data
    /// The private key wrapped under the holder's passphrase (method `generated` only).
    @OptionalField(key: "wrapped_key") var wrappedKey: Data?
    @OptionalField(key: "csr_der") var csrDER: Data?
    @OptionalField(key: "serial_hex") var serialHex: String?
    @OptionalParent(key: "issuer_ca_id") var issuer: CertificateAuthorityModel?
    @OptionalField(key: "certificate_der") var certificateDER: Data?
    @OptionalField(key: "not_before") var notBefore: Date?
    @OptionalField(key: "not_after") var notAfter: Date?
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by_id") var decidedByID: UUID?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "issuing_started_at") var issuingStartedAt: Date?
    @OptionalField(key: "issued_at") var issuedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revocation_reason") var revocationReason: Int?
    @OptionalField(key: "invalidity_date") var invalidityDate: Date?
    @OptionalField(key: "revoked_by_id") var revokedByID: UUID?
    /// The certificate this one renews or replaces.
    @OptionalField(key: "replaces_id") var replacesID: UUID?
    /// How many expiry reminders went out (see ``CertificateLifecyclePolicy``).
    @Field(key: "reminder_stage") var reminderStage: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
