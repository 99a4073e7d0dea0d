import Foundation

/// An error the domain raises: a code from a closed set plus a developer-facing reason. Two errors are equal when
/// their codes are (as swift-certificates' `CertificateError`). The server maps each code to an HTTP status and a
/// localised message in one place; input that fails field by field is a ``ValidationError`` instead.
public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every reason AMS refuses an operation. The raw value is stable: API clients read it, and `error_<raw value>`
    /// is its localised message.
    public enum Code: String, Sendable, CaseIterable {
        // access
        case unauthenticated
        case forbidden
        case notFound = "not_found"
        case csrfFailed = "csrf_failed"
        case badRequest = "bad_request"
        // accounts and sign-in
        case invalidCredentials = "invalid_credentials"
        case initialPasswordExpired = "initial_password_expired"
        case accountDisabled = "account_disabled"
        case wrongCurrentPassword = "wrong_current_password"
        case tokenInvalid = "token_invalid"
        case duplicateUsername = "duplicate_username"
        case duplicateEmail = "duplicate_email"
        case emailDomainNotInAgency = "email_domain_not_in_agency"
        case agencyRequired = "agency_required"
        case agencyNotAllowed = "agency_not_allowed"
        case accountExists = "account_exists"
        case storedAccountInvalid = "stored_account_invalid"
        case staffNIKMissing = "staff_nik_missing"
        // concurrency: someone else changed the record first
        case staleVersion = "stale_version"
        // registration workflow
        case transitionNotAllowed = "transition_not_allowed"
        case reasonRequired = "reason_required"
        case invalidStatus = "invalid_status"
        case checklistIncomplete = "checklist_incomplete"
        case tooManySubmissions = "too_many_submissions"
        case mailDomainFull = "mail_domain_full"
        case storageFull = "storage_full"
        // request bodies (uploads) from slow or too many clients
        case tooManyUploads = "too_many_uploads"
        case serverBusy = "server_busy"
        case bodyTooSlow = "body_too_slow"
        // certificates
        case caNotInitialized = "ca_not_initialized"
        case identityNotVerified = "identity_not_verified"
        case reverificationRequired = "reverification_required"
        case certificateRequestOpen = "certificate_request_open"
        case certificateSubjectInvalid = "certificate_subject_invalid"
        case certificateNotPending = "certificate_not_pending"
        case certificateNotAwaitingHolder = "certificate_not_awaiting_holder"
        case certificateNotActive = "certificate_not_active"
        case renewalNotOpen = "renewal_not_open"
        case tooManySelected = "too_many_selected"
        // signing documents
        case signingUnavailable = "signing_unavailable"
        case signingCredentialsWrong = "signing_credentials_wrong"
        case signingLocked = "signing_locked"
        // integrity
        case auditHeadMissing = "audit_head_missing"
    }

    public let code: Code
    /// Developer-facing explanation; never shown as-is to users and never holds a secret.
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: DomainError, rhs: DomainError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { reason.isEmpty ? code.rawValue : "\(code.rawValue): \(reason)" }

    public static let unauthenticated = DomainError(.unauthenticated, "no signed-in session")
    public static let forbidden = DomainError(.forbidden, "the actor may not perform this operation")
    public static let notFound = DomainError(.notFound, "no such record")
    public static let invalidCredentials = DomainError(.invalidCredentials, "username or password is wrong")
    public static let initialPasswordExpired = DomainError(.initialPasswordExpired, "the initial password has expired")
    public static let accountDisabled = DomainError(.accountDisabled, "the account is disabled")
    public static let wrongCurrentPassword = DomainError(.wrongCurrentPassword, "the current password is wrong")
    public static let tokenInvalid = DomainError(.tokenInvalid, "the link is unknown, used or expired")
    public static let csrfFailed = DomainError(.csrfFailed, "the form token is missing or wrong")
    public static let duplicateUsername = DomainError(.duplicateUsername, "the username is taken")
    public static let duplicateEmail = DomainError(.duplicateEmail, "the e-mail address is taken")
    public static let emailDomainNotInAgency = DomainError(.emailDomainNotInAgency, "the e-mail domain does not belong to the agency")
    public static let agencyRequired = DomainError(.agencyRequired, "this role needs an agency")
    public static let caNotInitialized = DomainError(.caNotInitialized, "the certificate authority has not been set up")
    public static let staleVersion = DomainError(.staleVersion, "someone else changed the record first")
    public static let agencyNotAllowed = DomainError(.agencyNotAllowed, "this role has no agency")
}
