import Foundation

/// How much of each submitted field AMS reads before validating it: the same bound for the web forms, the JSON API
/// and the command line. A longer value is cut here and then refused by the field's own rule, never stored cut.
enum FieldLimit {
    static let personName = 200
    static let nip = 40
    static let nik = 40
    static let email = 254
    static let phone = 40
    static let identifier = 64
    static let unit = 300
    static let position = 300
    static let birthPlace = 100
    static let address = 300
    static let agencyCode = 64
    static let agencyName = 400
    static let agencyDomains = 4000
    static let username = 128
    /// Passwords and passphrases (the policy's own maximum is lower; this only bounds what is hashed).
    static let secret = 1024
    static let reason = 1000
    static let search = 64
}

extension Optional where Wrapped == String {
    /// The value, or empty, cut at `limit` characters.
    func clipped(_ limit: Int) -> String {
        String((self ?? "").prefix(limit))
    }
}
