import Foundation

/// A sign-in name: 3–32 characters of lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit.
public struct Username: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...32).contains(text.count), text.allSatisfy(allowed.contains),
              let first = text.first, first.isLetter || first.isNumber else { return nil }
        self.value = text
    }
}
