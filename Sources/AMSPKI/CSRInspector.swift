import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Checks a holder's PKCS#10 certificate signing request: it must parse (PEM or DER), its self-signature must
/// verify with a SHA-2 algorithm, and its key must be one policy accepts. Only the public key is used; the subject
/// and requested extensions are ignored (the certificate carries the verified identity).
public struct CSRInspector: Sendable {
    public var allowed: Set<KeyAlgorithm>
    /// Upper bound on what is parsed at all.
    public static let maximumSize = 16 * 1024

    public init(allowed: Set<KeyAlgorithm> = Set(KeyAlgorithm.allCases)) {
        self.allowed = allowed
    }

    public struct Accepted: Sendable {
        public let publicKey: Certificate.PublicKey
        public let algorithm: KeyAlgorithm
        public let der: [UInt8]
    }

    public func inspect(_ input: [UInt8]) throws -> Accepted {
        guard !input.isEmpty, input.count <= Self.maximumSize else { throw PKIError.csrMalformed }
        let request: CertificateSigningRequest
        do {
            let text = String(decoding: input, as: UTF8.self)
            if text.contains("-----BEGIN") {
                request = try CertificateSigningRequest(pemEncoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            } else {
                request = try CertificateSigningRequest(derEncoded: input)
            }
        } catch {
            // Shaped like a request: with a key the library loads, what failed is the signature (its value is not
            // even a signature of that key's kind); with a key it cannot load (RSA under 2048 bits, other curves), a
            // key-policy refusal. Only what is not shaped like a request at all is junk.
            if let key = Self.subjectPublicKeyInfo(ofRequest: input) {
                if (try? Certificate.PublicKey(derEncoded: key.der)) != nil { throw PKIError.csrSignatureInvalid }
                throw PKIError.csrKeyNotAllowed(key.algorithm)
            }
            throw PKIError.csrMalformed
        }
        let strong: [Certificate.SignatureAlgorithm] = [.ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA512,
                                                         .sha256WithRSAEncryption, .sha384WithRSAEncryption,
                                                         .sha512WithRSAEncryption]
        guard strong.contains(request.signatureAlgorithm),
              request.publicKey.isValidSignature(request.signature, for: request) else {
            throw PKIError.csrSignatureInvalid
        }
        let algorithm: KeyAlgorithm
        if P256.Signing.PublicKey(request.publicKey) != nil {
            algorithm = .p256
        } else if P384.Signing.PublicKey(request.publicKey) != nil {
            algorithm = .p384
        } else if let rsa = _RSA.Signing.PublicKey(request.publicKey),
                  let size = KeyAlgorithm(rawValue: "rsa-\(rsa.keySizeInBits)") {
            algorithm = size
        } else {
            throw PKIError.csrKeyNotAllowed(request.publicKey.description)
        }
        guard allowed.contains(algorithm) else { throw PKIError.csrKeyNotAllowed(algorithm.displayName) }
        var serializer = DER.Serializer()
        try serializer.serialize(request)
        return Accepted(publicKey: request.publicKey, algorithm: algorithm, der: serializer.serializedBytes)
    }

    /// The SubjectPublicKeyInfo (its DER and algorithm OID) of something shaped like a PKCS#10 request, or nil.
    static func subjectPublicKeyInfo(ofRequest input: [UInt8]) -> (der: [UInt8], algorithm: String)? {
        let text = String(decoding: input, as: UTF8.self)
        let der: [UInt8]
        if text.contains("-----BEGIN") {
            guard let document = try? PEMDocument(pemString: text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            der = document.derBytes
        } else {
            der = input
        }
        guard let root = try? DER.parse(der), case .constructed(let outer) = root.content,
              let info = outer.first(where: { _ in true }), case .constructed(let infoChildren) = info.content else { return nil }
        let fields = Array(infoChildren)
        guard fields.count >= 3, case .constructed(let spki) = fields[2].content,
              let algorithm = spki.first(where: { _ in true }), case .constructed(let algorithmChildren) = algorithm.content,
              let oidNode = algorithmChildren.first(where: { _ in true }),
              let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode) else { return nil }
        return (Array(fields[2].encodedBytes), oid.description)
    }
}
