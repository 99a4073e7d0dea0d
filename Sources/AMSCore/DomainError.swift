import Foundation

/// An error the domain raises: a stable machine code plus a human reason. Two errors are equal when their codes are.
public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifier, also the key of the localised message (`error.<code>`).
    public let code: String
    /// Developer-facing explanation; never shown as-is to users and never holds a secret.
    public let reason: String

    public init(_ code: String, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: DomainError, rhs: DomainError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { reason.isEmpty ? code : "\(code): \(reason)" }

    public static let forbidden = DomainError("forbidden", "the actor may not perform this operation")
    public static let notFound = DomainError("not_found", "no such record")
    public static let invalidCredentials = DomainError("invalid_credentials", "username or password is wrong")
    public static let initialPasswordExpired = DomainError("initial_password_expired", "the initial password has expired")
    public static let accountDisabled = DomainError("account_disabled", "the account is disabled")
    public static let wrongCurrentPassword = DomainError("wrong_current_password", "the current password is wrong")
    public static let tokenInvalid = DomainError("token_invalid", "the link is unknown, used or expired")
    public static let csrfFailed = DomainError("csrf_failed", "the form token is missing or wrong")
    public static let duplicateUsername = DomainError("duplicate_username", "the username is taken")
    public static let duplicateEmail = DomainError("duplicate_email", "the e-mail address is taken")
    public static let emailDomainNotInAgency = DomainError("email_domain_not_in_agency", "the e-mail domain does not belong to the agency")
    public static let agencyRequired = DomainError("agency_required", "this role needs an agency")
    public static let caNotInitialized = DomainError("ca_not_initialized", "the certificate authority has not been set up")
    public static let staleVersion = DomainError("stale_version", "someone else changed the record first")
    public static let agencyNotAllowed = DomainError("agency_not_allowed", "this role has no agency")
}
