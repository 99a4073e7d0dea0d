import Foundation

/// A bearer secret (reset link, session id, activation link): 256 random bits, URL-safe base64 without padding.
/// Only a hash of it is ever stored; the clear value lives in a cookie or a mail.
public struct SecureToken: Sendable, Hashable {
    public static let byteCount = 32
    public let value: String

    public init(random: any RandomSource) {
        self.value = Self.base64URL(random.bytes(count: Self.byteCount))
    }

    public init(value: String) {
        self.value = value
    }

    /// Whether a string has the shape of a token (so junk is refused before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        text.count == 43 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
