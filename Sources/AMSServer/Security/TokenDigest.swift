import AMSPKI
import Crypto
import Foundation

/// How bearer secrets are stored: SHA-256, hex. A 256-bit random token needs no salt or slow hash.
enum TokenDigest {
    static func hex(_ token: String) -> String {
        Array(SHA256.hash(data: Data(token.utf8))).hexString
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        Array(SHA256.hash(data: bytes)).hexString
    }

    /// Compares two strings in time independent of where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
