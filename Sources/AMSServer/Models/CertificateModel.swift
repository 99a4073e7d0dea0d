import AMSCore
import Fluent
import Foundation

/// A holder's certificate from request to expiry or revocation. The row exists before the certificate is signed
/// (status `issuing` with its serial), so a signed certificate is never unknown to AMS.
package final class CertificateModel: Model, @unchecked Sendable {
    package static let schema = "certificates"

    @ID(key: .id) package var id: UUID?
    @Parent(key: "holder_id") package var holder: UserModel
    @OptionalParent(key: "agency_id") package var agency: AgencyModel?
    @Field(key: "status") package var status: CertificateStatus
    @Field(key: "method") package var method: CertificateMethod
    /// The ``AMSPKI/CertificateProfile`` name it is (to be) issued under.
    @Field(key: "profile") package var profile: String
    /// Optimistic lock: two operators deciding at once, one wins.
    @Field(key: "version") package var version: Int
    /// The subject as text (RFC 4514), for lists and search.
    @Field(key: "subject") package var subject: String
    @Field(key: "email") package var email: String
    @Field(key: "key_algorithm") package var keyAlgorithm: String
    /// SubjectPublicKeyInfo DER.
    @Field(key: "public_key") package var publicKey: Data
    /// The private key wrapped under the holder's passphrase (method `generated` only).
    @OptionalField(key: "wrapped_key") package var wrappedKey: Data?
    @OptionalField(key: "csr_der") package var csrDER: Data?
    @OptionalField(key: "serial_hex") package var serialHex: String?
    @OptionalParent(key: "issuer_ca_id") var issuer: CertificateAuthorityModel?
    @OptionalField(key: "certificate_der") package var certificateDER: Data?
    @OptionalField(key: "not_before") package var notBefore: Date?
    @OptionalField(key: "not_after") package var notAfter: Date?
    @Field(key: "requested_at") package var requestedAt: Date
    /// `web` (the holder, signed in, re-entering their password) or `api` (an agency application; see ``requestedBy``).
    @Field(key: "requested_via") package var requestedVia: String
    /// The API key's name for `api`, the holder's username for `web`.
    @Field(key: "requested_by") package var requestedBy: String
    /// When the holder confirmed a request an application started (re-entering their password).
    @OptionalField(key: "holder_confirmed_at") var holderConfirmedAt: Date?
    @OptionalField(key: "decided_at") package var decidedAt: Date?
    @OptionalField(key: "decided_by_id") package var decidedByID: UUID?
    @OptionalField(key: "decision_note") package var decisionNote: String?
    @OptionalField(key: "issuing_started_at") package var issuingStartedAt: Date?
    @OptionalField(key: "issued_at") package var issuedAt: Date?
    @OptionalField(key: "revoked_at") package var revokedAt: Date?
    @OptionalField(key: "revocation_reason") package var revocationReason: Int?
    @OptionalField(key: "invalidity_date") package var invalidityDate: Date?
    @OptionalField(key: "revoked_by_id") package var revokedByID: UUID?
    /// The certificate this one renews or replaces.
    @OptionalField(key: "replaces_id") package var replacesID: UUID?
    /// How many expiry reminders went out (see ``CertificateLifecyclePolicy``).
    @Field(key: "reminder_stage") package var reminderStage: Int
    @Field(key: "updated_at") package var updatedAt: Date

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    package var properties: [any AnyProperty] {
        [
            $id, $holder, $agency, $status, $method, $profile, $version, $subject, $email, $keyAlgorithm, $publicKey,
            $wrappedKey, $csrDER, $serialHex, $issuer, $certificateDER, $notBefore, $notAfter, $requestedAt,
            $requestedVia, $requestedBy, $holderConfirmedAt, $decidedAt, $decidedByID, $decisionNote, $issuingStartedAt,
            $issuedAt, $revokedAt, $revocationReason, $invalidityDate, $revokedByID, $replacesID, $reminderStage,
            $updatedAt
        ]
    }

    package init() {}
}
