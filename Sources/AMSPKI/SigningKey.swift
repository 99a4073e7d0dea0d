import Crypto
import Foundation
import X509
import _CryptoExtras

/// A private key AMS signs with: a CA key, the OCSP responder key, or a holder's key generated in AMS.
///
/// Wraps the swift-crypto key so one type can sign certificates (through swift-certificates), CRLs and OCSP
/// responses (through ``sign(_:)``), and be stored (``derRepresentation``, always sealed before it is written).
public struct SigningKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    let backing: Backing
    public let algorithm: KeyAlgorithm

    init(backing: Backing, algorithm: KeyAlgorithm) {
        self.backing = backing
        self.algorithm = algorithm
    }

    /// A fresh key from the operating system's CSPRNG.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .p256: return SigningKey(backing: .p256(P256.Signing.PrivateKey()), algorithm: algorithm)
        case .p384: return SigningKey(backing: .p384(P384.Signing.PrivateKey()), algorithm: algorithm)
        case .rsa2048: return SigningKey(backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)), algorithm: algorithm)
        case .rsa3072: return SigningKey(backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits3072)), algorithm: algorithm)
        case .rsa4096: return SigningKey(backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits4096)), algorithm: algorithm)
        }
    }

    /// Restores a key from ``derRepresentation``.
    public init(algorithm: KeyAlgorithm, derRepresentation der: [UInt8]) throws {
        self.algorithm = algorithm
        switch algorithm {
        case .p256: backing = .p256(try P256.Signing.PrivateKey(derRepresentation: der))
        case .p384: backing = .p384(try P384.Signing.PrivateKey(derRepresentation: der))
        case .rsa2048, .rsa3072, .rsa4096:
            let key = try _RSA.Signing.PrivateKey(derRepresentation: der)
            guard "rsa-\(key.keySizeInBits)" == algorithm.rawValue else { throw PKIError.keyMismatch }
            backing = .rsa(key)
        }
    }

    /// The key's DER encoding. Secret: only ever stored sealed (``SealedKeyStore``, ``PassphraseKeyWrap``).
    public var derRepresentation: [UInt8] {
        switch backing {
        case .p256(let key): Array(key.derRepresentation)
        case .p384(let key): Array(key.derRepresentation)
        case .rsa(let key): Array(key.derRepresentation)
        }
    }

    public var certificateKey: Certificate.PrivateKey {
        switch backing {
        case .p256(let key): Certificate.PrivateKey(key)
        case .p384(let key): Certificate.PrivateKey(key)
        case .rsa(let key): Certificate.PrivateKey(key)
        }
    }

    public var publicKey: Certificate.PublicKey { certificateKey.publicKey }

    /// The signature algorithm this key signs with: ECDSA with SHA-256 (P-256) or SHA-384 (P-384), RSA PKCS#1 v1.5
    /// with SHA-256.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch backing {
        case .p256: .ecdsaWithSHA256
        case .p384: .ecdsaWithSHA384
        case .rsa: .sha256WithRSAEncryption
        }
    }

    /// The hash ``signatureAlgorithm`` uses: SHA-384 for P-384, SHA-256 otherwise.
    public var digestAlgorithm: OID {
        if case .p384 = backing { return .sha384 }
        return .sha256
    }

    /// `bytes` hashed with ``digestAlgorithm``.
    public func digest(_ bytes: [UInt8]) -> [UInt8] {
        digest(parts: [bytes[...]])
    }

    /// The concatenation of `parts` hashed with ``digestAlgorithm``, without joining them (a PDF's byte range).
    public func digest(parts: [ArraySlice<UInt8>]) -> [UInt8] {
        if case .p384 = backing {
            var hash = SHA384()
            for part in parts { hash.update(data: part) }
            return Array(hash.finalize())
        }
        var hash = SHA256()
        for part in parts { hash.update(data: part) }
        return Array(hash.finalize())
    }

    /// Writes the AlgorithmIdentifier of ``signatureAlgorithm`` (NULL parameters for RSA, absent for ECDSA).
    public func writeSignatureAlgorithm(into writer: inout DERWriter) {
        writer.sequence { algorithm in
            switch backing {
            case .p256: algorithm.objectIdentifier(.ecdsaWithSHA256)
            case .p384: algorithm.objectIdentifier(.ecdsaWithSHA384)
            case .rsa:
                algorithm.objectIdentifier(.sha256WithRSAEncryption)
                algorithm.null()
            }
        }
    }

    /// Signs `bytes` (hashing them as ``signatureAlgorithm`` says); ECDSA signatures come DER-encoded.
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        try sign(parts: [bytes[...]])
    }

    /// Signs the concatenation of `parts` without joining them: the hash runs over each part in turn, so a large
    /// structure (a CRL) is signed where its pieces lie instead of being copied into one buffer first.
    public func sign(parts: [ArraySlice<UInt8>]) throws -> [UInt8] {
        switch backing {
        case .p256(let key):
            var hash = SHA256()
            for part in parts { hash.update(data: part) }
            return Array(try key.signature(for: hash.finalize()).derRepresentation)
        case .p384(let key):
            var hash = SHA384()
            for part in parts { hash.update(data: part) }
            return Array(try key.signature(for: hash.finalize()).derRepresentation)
        case .rsa(let key):
            var hash = SHA256()
            for part in parts { hash.update(data: part) }
            return Array(try key.signature(for: hash.finalize(), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}
