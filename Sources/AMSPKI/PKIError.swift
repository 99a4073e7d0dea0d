import Foundation

/// Why a PKI operation refused. `code` is stable (API error codes, localisation keys, audit entries).
public enum PKIError: Error, Equatable, Sendable {
    /// A stored key does not match its recorded algorithm.
    case keyMismatch
    /// A sealed key or wrapped key cannot be opened (wrong key-encryption key, tampered bytes).
    case sealedKeyUnreadable
    /// The holder's passphrase does not open the wrapped key.
    case wrongPassphrase
    /// The CSR is not a PKCS#10 request in PEM or DER.
    case csrMalformed
    /// The CSR's self-signature does not verify.
    case csrSignatureInvalid
    /// The CSR's key type or size is not accepted by policy.
    case csrKeyNotAllowed(String)
    /// The requested validity does not fit inside the issuing CA's validity.
    case validityBeyondIssuer
    /// A configured value is invalid (OID, URL, subject).
    case invalidConfiguration(String)
    /// A value a certificate is made from (its serial number, its public key) is malformed.
    case certificateInputInvalid(String)

    public var code: String {
        switch self {
        case .keyMismatch: "key_mismatch"
        case .sealedKeyUnreadable: "sealed_key_unreadable"
        case .wrongPassphrase: "wrong_passphrase"
        case .csrMalformed: "csr_malformed"
        case .csrSignatureInvalid: "csr_signature_invalid"
        case .csrKeyNotAllowed: "csr_key_not_allowed"
        case .validityBeyondIssuer: "validity_beyond_issuer"
        case .invalidConfiguration: "invalid_configuration"
        case .certificateInputInvalid: "certificate_input_invalid"
        }
    }
}
