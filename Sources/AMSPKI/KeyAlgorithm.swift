import Foundation

/// The key types AMS creates and accepts: ECDSA on P-256 (default) or P-384, RSA with 2048, 3072 or 4096 bits.
public enum KeyAlgorithm: String, CaseIterable, Sendable, Codable {
    case p256 = "ecdsa-p256"
    case p384 = "ecdsa-p384"
    case rsa2048 = "rsa-2048"
    case rsa3072 = "rsa-3072"
    case rsa4096 = "rsa-4096"

    /// Human-readable name for pages and mails.
    public var displayName: String {
        switch self {
        case .p256: "ECDSA P-256"
        case .p384: "ECDSA P-384"
        case .rsa2048: "RSA 2048"
        case .rsa3072: "RSA 3072"
        case .rsa4096: "RSA 4096"
        }
    }

    public var isRSA: Bool { self == .rsa2048 || self == .rsa3072 || self == .rsa4096 }
}
