import Foundation

/// Lifetimes of the secrets AMS hands out, and the rule for when one may still be used.
public struct TokenPolicy: Sendable, Equatable {
    /// How long an initial (SOP step 5) password may be used to reach the change-password page.
    public var initialPasswordLifetime: TimeInterval
    /// How long a password-reset link works.
    public var passwordResetLifetime: TimeInterval
    /// How long an activation link (SOP step 3) works.
    public var activationLinkLifetime: TimeInterval
    /// How long the link confirming a new e-mail address works.
    public var emailChangeLifetime: TimeInterval = 24 * 3600

    public init(initialPasswordLifetime: TimeInterval = 72 * 3600, passwordResetLifetime: TimeInterval = 3600,
                activationLinkLifetime: TimeInterval = 7 * 24 * 3600) {
        self.initialPasswordLifetime = initialPasswordLifetime
        self.passwordResetLifetime = passwordResetLifetime
        self.activationLinkLifetime = activationLinkLifetime
    }

    /// A single-use secret is usable while unused and strictly before its expiry.
    public static func isUsable(expiresAt: Date, usedAt: Date?, now: Date) -> Bool {
        usedAt == nil && now < expiresAt
    }
}
