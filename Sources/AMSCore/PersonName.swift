import Foundation

/// A person's full name as printed on certificates: 2–128 characters, letters and the punctuation names use,
/// with no control characters or line breaks (they would forge log lines and certificate fields). Stored in Unicode
/// normalisation form C, so a name typed with combining accents equals the same name typed precomposed.
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init?(_ raw: String) {
        let collapsed = raw.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        guard (2...128).contains(collapsed.count) else { return nil }
        for scalar in collapsed.unicodeScalars {
            let ok = CharacterSet.letters.contains(scalar) || CharacterSet.nonBaseCharacters.contains(scalar)
                || " .,'-".unicodeScalars.contains(scalar)
            guard ok else { return nil }
        }
        self.value = collapsed
    }
}
