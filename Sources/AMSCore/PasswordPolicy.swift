import Foundation

/// Why a proposed password was refused. Each case maps to one localised message.
public enum PasswordViolation: String, Sendable, CaseIterable {
    case tooShort = "too_short"
    case tooLong = "too_long"
    case common
    /// Guessable in fewer than 10⁸ tries (``PasswordStrength``): repeats, sequences, keyboard walks, disguised words.
    case weak
    case containsUsername = "contains_username"
    case containsEmail = "contains_email"
    case containsNIK = "contains_nik"
    case sameAsCurrent = "same_as_current"
    case mismatch
}

/// The facts about an account a new password is checked against.
public struct PasswordContext: Sendable {
    public var username: String
    public var email: String
    public var nik: String?
    public var currentPassword: String?

    public init(username: String, email: String, nik: String? = nil, currentPassword: String? = nil) {
        self.username = username
        self.email = email
        self.nik = nik
        self.currentPassword = currentPassword
    }
}

/// The rule for passwords people choose (NIST SP 800-63B style): 12–128 characters, no composition rules,
/// not a common password, not guessable by its patterns (``PasswordStrength`` score ≥ 3, zxcvbn's scale), not built
/// on the account's own identifiers, not the current (initial) password.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128

    private let commonPasswords: CommonPasswordList

    public init(commonPasswords: CommonPasswordList = .shipped) {
        self.commonPasswords = commonPasswords
    }

    /// All the reasons `password` is not acceptable; empty when it is.
    public func violations(of password: String, confirmation: String? = nil, context: PasswordContext) -> [PasswordViolation] {
        var found: [PasswordViolation] = []
        let length = password.count
        if length < Self.minimumLength { found.append(.tooShort) }
        if length > Self.maximumLength { found.append(.tooLong) }
        if commonPasswords.contains(password) {
            found.append(.common)
        } else if length >= Self.minimumLength, length <= Self.maximumLength,
                  PasswordStrength(password).score < PasswordStrength.requiredScore {
            found.append(.weak)
        }
        let folded = password.lowercased()
        let username = context.username.lowercased()
        if username.count >= 3, folded.contains(username) { found.append(.containsUsername) }
        let email = context.email.lowercased()
        let mailbox = email.split(separator: "@").first.map(String.init) ?? email
        if !email.isEmpty, folded.contains(email) || (mailbox.count >= 3 && folded.contains(mailbox)) {
            found.append(.containsEmail)
        }
        if let nik = context.nik, !nik.isEmpty, folded.contains(nik) { found.append(.containsNIK) }
        if let current = context.currentPassword, current == password { found.append(.sameAsCurrent) }
        if let confirmation, confirmation != password { found.append(.mismatch) }
        return found
    }
}
