import Foundation
import X509

/// The verdict on one signature in a PDF, in ETSI EN 319 102-1 terms, with what it rests on: the signed revision,
/// whether the file was changed after it (and how), integrity, the signer and their chain, revocation at the time the
/// signature is proven to exist, and the signature time-stamp.
public struct SignatureVerification: Sendable {
    public enum Indication: String, Sendable {
        case totalPassed = "TOTAL_PASSED"
        case totalFailed = "TOTAL_FAILED"
        case indeterminate = "INDETERMINATE"
    }

    public enum SubIndication: String, Sendable {
        case formatFailure = "FORMAT_FAILURE"
        case hashFailure = "HASH_FAILURE"
        case sigCryptoFailure = "SIG_CRYPTO_FAILURE"
        case revoked = "REVOKED"
        case noCertificateChainFound = "NO_CERTIFICATE_CHAIN_FOUND"
        case outOfBoundsNoPOE = "OUT_OF_BOUNDS_NO_POE"
        case chainConstraintsFailure = "CHAIN_CONSTRAINTS_FAILURE"
        case signingCertificateNotFound = "NO_SIGNING_CERTIFICATE_FOUND"
        case tryLater = "TRY_LATER"
    }

    /// What was appended after the signed revision.
    public enum Modification: String, Sendable {
        /// Nothing: the signature covers the whole file.
        case none = "NONE"
        /// Only further signatures, time-stamps and validation data (what may follow a signature).
        case signatures = "SIGNATURES"
        /// Form fields filled in (allowed unless the document was certified against it).
        case formFilling = "FORM_FILLING"
        /// Anything else: the content shown may differ from what was signed.
        case other = "OTHER"
    }

    /// What the signature is: a person's signature, an institution's electronic seal, or a document time-stamp.
    public enum Kind: String, Sendable {
        case signature = "SIGNATURE"
        case seal = "SEAL"
        case documentTimestamp = "DOCUMENT_TIMESTAMP"
    }

    /// The PAdES baseline level the signature reaches as the document now stands (ETSI EN 319 142-1 §6).
    public enum Level: String, Sendable {
        case bB = "PAdES-B-B"
        case bT = "PAdES-B-T"
        /// B-T, and the document carries the revocation data that shows the signer's certificate good at that time.
        case bLT = "PAdES-B-LT"
        /// B-LT, and a document time-stamp covers that data.
        case bLTA = "PAdES-B-LTA"
    }

    /// Where a revocation status came from.
    public enum RevocationSource: String, Sendable {
        /// An OCSP answer the document carries (its DSS).
        case ocsp = "OCSP"
        /// A CRL the document carries.
        case crl = "CRL"
        /// The issuing CA's own records (AMS's database), asked because the document carries nothing about it.
        case issuer = "ISSUER"
    }

    /// The revocation status of the signer's certificate at the signature's proof-of-existence time.
    public enum Revocation: Sendable, Equatable {
        case good
        case revoked(at: Date)
        /// No status known for this certificate (no data embedded, not AMS's own).
        case unknown
    }

    public var fieldName: String
    public var kind: Kind
    public var indication: Indication
    public var subIndication: SubIndication?
    /// Bytes `[0, revisionEnd)` are the signed revision.
    public var revisionEnd: Int
    public var coversWholeFile: Bool
    public var modification: Modification
    /// ByteRange well-formed and the message digest matching.
    public var integrity: Bool
    /// The CMS signature verifies with the signer's key.
    public var signatureValid: Bool
    public var signer: Certificate?
    /// From the signer to a trust anchor, when one was found.
    public var chain: [Certificate]
    public var trusted: Bool
    public var keyUsageFitForSigning: Bool
    public var revocation: Revocation
    /// Where the revocation status came from (nil: nowhere).
    public var revocationSource: RevocationSource?
    public var level: Level?
    public var claimedSigningTime: Date?
    public var reason: String?
    public var location: String?
    /// The signature time-stamp's time, when a valid, trusted one is embedded.
    public var timestampTime: Date?
    public var timestampAuthority: Certificate?
    public var digestAlgorithm: OID?
    /// What the reader should know beyond the indication (English, for logs and the API).
    public var notes: [String]

    public var isTimestamped: Bool { timestampTime != nil }
}
