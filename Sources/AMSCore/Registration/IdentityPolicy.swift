import Foundation

/// The identity data a certificate carries. The SOP warns that a certificate made after this data changed would
/// carry stale information, so a change needs an operator's re-verification before the next issuance.
public struct IdentityFields: Sendable, Equatable {
    public var fullName: String
    public var position: String
    public var agencyID: UUID?
    public var email: String

    public init(fullName: String, position: String, agencyID: UUID?, email: String) {
        self.fullName = fullName
        self.position = position
        self.agencyID = agencyID
        self.email = email
    }
}

/// When a holder may be issued a certificate, and which changes void their verification.
public enum IdentityPolicy {
    /// Whether moving from `old` to `new` needs a re-verification (any certificate field changed).
    public static func changeRequiresReverification(from old: IdentityFields, to new: IdentityFields) -> Bool {
        old.fullName != new.fullName || old.position != new.position || old.agencyID != new.agencyID
            || old.email.lowercased() != new.email.lowercased()
    }

    /// Issuance needs a verified identity that has not changed since.
    public static func mayIssueCertificate(identityVerifiedAt: Date?, reverificationRequired: Bool) -> Bool {
        identityVerifiedAt != nil && !reverificationRequired
    }
}
