import Crypto
import Foundation

/// The status of one certificate as the responder reports it.
public enum OCSPCertificateStatus: Sendable, Equatable, Hashable {
    case good
    case revoked(at: Date, reason: RevocationReason)
    case unknown
}

/// Builds RFC 6960 responses signed by a delegated responder (or the CA itself), identified by key hash.
public struct OCSPResponseBuilder: Sendable {
    public let issuer: CertificateAuthority
    public let signer: CertificateAuthority
    /// How long a response may be relied on (nextUpdate − thisUpdate).
    public let validity: TimeInterval
    let responderKeyHash: [UInt8]
    let issuerHashes: [OID: (name: [UInt8], key: [UInt8])]

    public init(issuer: CertificateAuthority, signer: CertificateAuthority, validity: TimeInterval = 3600 * 24) {
        self.issuer = issuer
        self.signer = signer
        self.validity = validity
        responderKeyHash = Array(Insecure.SHA1.hash(data: signer.publicKeyBits))
        issuerHashes = [
            .sha1: (Array(Insecure.SHA1.hash(data: issuer.subjectDER)), Array(Insecure.SHA1.hash(data: issuer.publicKeyBits))),
            .sha256: (Array(SHA256.hash(data: issuer.subjectDER)), Array(SHA256.hash(data: issuer.publicKeyBits))),
            .sha384: (Array(SHA384.hash(data: issuer.subjectDER)), Array(SHA384.hash(data: issuer.publicKeyBits))),
            .sha512: (Array(SHA512.hash(data: issuer.subjectDER)), Array(SHA512.hash(data: issuer.publicKeyBits))),
        ]
    }

    /// Whether a query names this responder's issuing CA (by name and key hash under its hash algorithm).
    public func isForThisIssuer(_ query: OCSPCertificateQuery) -> Bool {
        guard let hashes = issuerHashes[query.hashAlgorithm] else { return false }
        return hashes.name == query.issuerNameHash && hashes.key == query.issuerKeyHash
    }

    /// The query a client would send about the issuing CA's certificate `serial` (a SHA-1 CertID, RFC 6960 §4.1.1): for
    /// answers AMS makes without being asked, such as the ones it embeds in a document for long-term validation.
    public func query(forSerial serial: [UInt8]) -> OCSPCertificateQuery {
        let hashes = issuerHashes[.sha1]!
        var writer = DERWriter(reservingCapacity: 96)
        writer.sequence { certID in
            certID.sequence { algorithm in
                algorithm.objectIdentifier(.sha1)
                algorithm.null()
            }
            certID.octetString(hashes.name)
            certID.octetString(hashes.key)
            certID.unsignedInteger(serial)
        }
        return OCSPCertificateQuery(certIDDER: writer.bytes, hashAlgorithm: .sha1, issuerNameHash: hashes.name, issuerKeyHash: hashes.key,
                                    serial: Array(serial.drop { $0 == 0 }))
    }

    /// A signed successful response for the given answers, with the request's nonce echoed.
    public func successful(answers: [(query: OCSPCertificateQuery, status: OCSPCertificateStatus)], nonce: [UInt8]?,
                           producedAt: Date) throws -> [UInt8] {
        var data = DERWriter(reservingCapacity: 512)
        data.sequence { response in
            response.constructed(DERWriter.Tag.contextConstructed(2)) { $0.octetString(responderKeyHash) }
            response.generalizedTime(producedAt)
            response.sequence { responses in
                for answer in answers {
                    responses.sequence { single in
                        single.appendRaw(answer.query.certIDDER)
                        switch answer.status {
                        case .good:
                            single.append(tag: DERWriter.Tag.contextPrimitive(0), content: EmptyCollection<UInt8>())
                        case .revoked(let at, let reason):
                            single.constructed(DERWriter.Tag.contextConstructed(1)) { info in
                                info.generalizedTime(at)
                                if reason != .unspecified {
                                    info.constructed(DERWriter.Tag.contextConstructed(0)) { $0.enumerated(reason.rawValue) }
                                }
                            }
                        case .unknown:
                            single.append(tag: DERWriter.Tag.contextPrimitive(2), content: EmptyCollection<UInt8>())
                        }
                        single.generalizedTime(producedAt)
                        single.constructed(DERWriter.Tag.contextConstructed(0)) {
                            $0.generalizedTime(producedAt.addingTimeInterval(validity))
                        }
                    }
                }
            }
            if let nonce {
                response.constructed(DERWriter.Tag.contextConstructed(1)) { wrapper in
                    wrapper.sequence { extensions in
                        extensions.sequence { ext in
                            ext.objectIdentifier(.ocspNonce)
                            ext.octetString(nonce)
                        }
                    }
                }
            }
        }
        let signature = try signer.key.sign(data.bytes)
        var basic = DERWriter(reservingCapacity: data.bytes.count + signature.count + signer.der.count + 64)
        basic.sequence { response in
            response.appendRaw(data.bytes)
            signer.key.writeSignatureAlgorithm(into: &response)
            response.bitString(signature)
            if signer.der != issuer.der {
                response.constructed(DERWriter.Tag.contextConstructed(0)) { wrapper in
                    wrapper.sequence { $0.appendRaw(signer.der) }
                }
            }
        }
        var outer = DERWriter(reservingCapacity: basic.bytes.count + 32)
        outer.sequence { response in
            response.enumerated(0)
            response.constructed(DERWriter.Tag.contextConstructed(0)) { wrapper in
                wrapper.sequence { bytes in
                    bytes.objectIdentifier(.ocspBasic)
                    bytes.octetString(basic.bytes)
                }
            }
        }
        return outer.bytes
    }

    /// Unsigned error responses (RFC 6960 §2.3): malformedRequest (1), internalError (2), tryLater (3),
    /// unauthorized (6).
    public static func error(_ status: UInt8) -> [UInt8] {
        [0x30, 0x03, 0x0A, 0x01, status]
    }

    public static let malformedRequest = error(1)
    public static let internalError = error(2)
    public static let tryLater = error(3)
    public static let unauthorized = error(6)
}
