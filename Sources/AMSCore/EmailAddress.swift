import Foundation

/// An e-mail address in the restricted form AMS accepts (official agency mailboxes): ASCII local part of
/// letters, digits and `._%+-`, and a domain of dot-separated labels. Stored lower-cased.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var localPart: String { String(value.split(separator: "@")[0]) }
    public var domain: String { String(value.split(separator: "@")[1]) }
    public var description: String { value }

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard text.count <= 254 else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
        guard parts[0].allSatisfy(localAllowed.contains), !parts[0].hasPrefix("."), !parts[0].hasSuffix("."),
              !parts[0].contains("..") else { return nil }
        guard let domain = EmailDomain(String(parts[1])) else { return nil }
        self.value = "\(parts[0])@\(domain.value)"
    }

    /// Whether this address belongs to `domain` itself or one of its subdomains.
    public func belongs(to domain: EmailDomain) -> Bool {
        self.domain == domain.value || self.domain.hasSuffix("." + domain.value)
    }
}

/// A mail domain such as `sumbarprov.go.id`, lower-cased, at least two labels.
public struct EmailDomain: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.count <= 253, labels.count >= 2 else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.allSatisfy(allowed.contains),
                  !label.hasPrefix("-"), !label.hasSuffix("-") else { return nil }
        }
        self.value = text
    }
}
