import AMSCore
import Fluent
import Foundation

/// An AMS account.
package final class UserModel: Model, @unchecked Sendable {
    package static let schema = "users"

    // managed
    @ID(key: .id) package var id: UUID?
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date

    // data
    @Field(key: "username") package var username: String
    @Field(key: "email") package var email: String
    @Field(key: "full_name") package var fullName: String
    /// Given name and surname as stated at activation (the ETSI natural-person profile names them); one may be absent.
    @OptionalField(key: "given_name") package var givenName: String?
    @OptionalField(key: "surname") package var surname: String?
    @OptionalField(key: "nik") package var nik: String?
    @Field(key: "role") package var role: Role
    @Field(key: "password_hash") package var passwordHash: String
    /// True while the password is the mailed initial one (SOP step 5): only change-password is reachable.
    @Field(key: "password_is_initial") package var passwordIsInitial: Bool
    @OptionalField(key: "initial_password_expires_at") package var initialPasswordExpiresAt: Date?
    @OptionalField(key: "password_changed_at") package var passwordChangedAt: Date?
    @Field(key: "is_active") package var isActive: Bool
    /// When the operator was last sent the digest of waiting requests (``OperatorDigest``).
    @OptionalField(key: "digest_sent_at") var digestSentAt: Date?
    /// Failed key openings (wrong passphrase or code) since the last success, and the lock they led to.
    @OptionalField(key: "signing_failures") var signingFailures: Int?
    @OptionalField(key: "signing_locked_until") var signingLockedUntil: Date?
    /// Preferred language for mail: `id` or `en`.
    @Field(key: "locale") package var locale: String
    /// Jabatan, as verified (applicants).
    @OptionalField(key: "position") package var position: String?
    /// Unit kerja (organisational unit), as verified; the certificate subject's OU.
    @OptionalField(key: "unit") package var unit: String?
    /// When an operator verified this holder's identity (SOP step 4).
    @OptionalField(key: "identity_verified_at") package var identityVerifiedAt: Date?
    /// The identity an operator last verified (SOP step 4 or a re-verification): re-verification shows old → new.
    @OptionalField(key: "verified_full_name") var verifiedFullName: String?
    @OptionalField(key: "verified_position") var verifiedPosition: String?
    @OptionalField(key: "verified_email") var verifiedEmail: String?
    /// Set when certificate data (name, position, agency, e-mail) changed after verification.
    @Field(key: "reverification_required") package var reverificationRequired: Bool

    // relationships
    @OptionalParent(key: "agency_id") package var agency: AgencyModel?

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    package var properties: [any AnyProperty] {
        [
            $id, $createdAt, $updatedAt, $username, $email, $fullName, $givenName, $surname, $nik, $role, $passwordHash,
            $passwordIsInitial, $initialPasswordExpiresAt, $passwordChangedAt, $isActive, $digestSentAt,
            $signingFailures, $signingLockedUntil, $locale, $position, $unit, $identityVerifiedAt, $verifiedFullName,
            $verifiedPosition, $verifiedEmail, $reverificationRequired, $agency
        ]
    }

    package init() {}

    package init(id: UUID? = nil, username: String, email: String, fullName: String, nik: String? = nil, role: Role,
         agencyID: UUID?, passwordHash: String, passwordIsInitial: Bool, initialPasswordExpiresAt: Date?,
         locale: String, now: Date) {
        self.id = id
        self.username = username
        self.email = email
        self.fullName = fullName
        self.nik = nik
        self.role = role
        self.$agency.id = agencyID
        self.passwordHash = passwordHash
        self.passwordIsInitial = passwordIsInitial
        self.initialPasswordExpiresAt = initialPasswordExpiresAt
        self.isActive = true
        self.reverificationRequired = false
        self.locale = locale
        self.createdAt = now
        self.updatedAt = now
    }

    var identity: IdentityFields {
        IdentityFields(fullName: fullName, position: position ?? "", agencyID: $agency.id, email: email)
    }

    /// Whether a certificate may be issued now (issuance checks this; see ``IdentityPolicy``).
    var mayBeIssuedCertificate: Bool {
        IdentityPolicy.mayIssueCertificate(identityVerifiedAt: identityVerifiedAt, reverificationRequired: reverificationRequired)
    }

    /// An operator verified the identity now (SOP step 4, or a re-verification): it becomes the reference that the
    /// next re-verification compares with.
    func markVerified(at now: Date) {
        identityVerifiedAt = now
        reverificationRequired = false
        verifiedFullName = fullName
        verifiedPosition = position
        verifiedEmail = email
    }

    var actor: Actor {
        Actor(userID: id!, username: username, role: role, agencyID: $agency.id)
    }
}
