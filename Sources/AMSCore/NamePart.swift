import Foundation

/// A given name or a surname as the holder states it at activation (the ETSI natural-person certificate names
/// both): 1–64 characters of letters and the punctuation names use, spaces collapsed, stored composed (NFC).
public struct NamePart: Sendable, Hashable, CustomStringConvertible {
    /// X.520's bound as AMS applies it to every name attribute.
    public static let maximumLength = 64

    public let value: String
    public var description: String { value }

    /// nil when `raw` is empty after trimming, too long, or holds a character no name carries.
    public init?(_ raw: String) {
        let collapsed = raw.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        guard (1...Self.maximumLength).contains(collapsed.count) else { return nil }
        for scalar in collapsed.unicodeScalars {
            let ok = CharacterSet.letters.contains(scalar) || CharacterSet.nonBaseCharacters.contains(scalar)
                || " .,'-".unicodeScalars.contains(scalar)
            guard ok else { return nil }
        }
        value = collapsed
    }
}
