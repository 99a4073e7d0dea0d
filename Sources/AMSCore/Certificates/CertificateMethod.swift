import Foundation

/// How the holder's key pair came to be.
public enum CertificateMethod: String, Codable, CaseIterable, Sendable {
    /// AMS generated the key and keeps it wrapped under the holder's passphrase; the key never leaves AMS.
    case generated
    /// The holder generated the key and sent a PKCS#10 request; AMS never sees the private key.
    case csr
}
