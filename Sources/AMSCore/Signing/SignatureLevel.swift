import Foundation

/// How long a signature AMS makes stays verifiable (PAdES baseline levels, ETSI EN 319 142-1 §6).
public enum SignatureLevel: String, Sendable, CaseIterable, Codable {
    /// A signature time-stamp: proof of when it was made (AMS's default).
    case bT = "B-T"
    /// B-T, plus the certificates, OCSP answers and CRL that show the signer's certificate good at that time, in the
    /// document: it verifies offline, also after the certificate expires or is revoked.
    case bLT = "B-LT"
    /// B-LT, plus a document time-stamp over that data, renewable before the time-stamping certificate expires.
    case bLTA = "B-LTA"

    /// Reads `B-LT`, `PAdES-B-LT`, `PAdES_BASELINE_LT`, `LT`, `lta`…; nil for anything else (an empty value is nil too).
    public init?(loosely text: String) {
        let key = text.uppercased().replacingOccurrences(of: "_", with: "-")
        let bare = ["PADES-BASELINE-", "PADES-", "B-"].reduce(key) { $0.hasPrefix($1) ? String($0.dropFirst($1.count)) : $0 }
        switch bare {
        case "T": self = .bT
        case "LT": self = .bLT
        case "LTA": self = .bLTA
        default: return nil
        }
    }
}
