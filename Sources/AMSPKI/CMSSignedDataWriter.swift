import Crypto
import Foundation

/// Writes a CMS SignedData (RFC 5652) with one signer: the ContentInfo, its certificates, and a SignerInfo whose
/// signed attributes are content-type, message-digest and ESS signing-certificate-v2 (RFC 5035) — what a time-stamp
/// token (RFC 3161) and a PAdES baseline signature (ETSI EN 319 122-1) both need, and nothing they forbid (no
/// signing-time). Swift-certificates keeps its own CMS types internal, so AMS writes the structure itself.
public struct CMSSignedDataWriter: Sendable {
    /// The signer's certificate (DER) and key, and the other certificates to carry (DER, e.g. the issuing CA).
    public let signerCertificate: [UInt8]
    public let key: SigningKey
    public let otherCertificates: [[UInt8]]

    public init(signerCertificate: [UInt8], key: SigningKey, otherCertificates: [[UInt8]] = []) {
        self.signerCertificate = signerCertificate
        self.key = key
        self.otherCertificates = otherCertificates
    }

    /// The signed SignedData ContentInfo for content of `contentType`: `content` is carried inside (encapsulated)
    /// when given, else only its digest `contentDigest` under the key's ``SigningKey/digestAlgorithm`` (detached, as
    /// in PAdES). `includeCertificates` false leaves the certificates out (a time-stamp request without certReq).
    /// `unsignedAttributes` makes the DER Attributes added after signing from the signature value (a signature
    /// time-stamp).
    public func sign(contentType: OID, content: [UInt8]?, contentDigest: [UInt8]? = nil, includeCertificates: Bool = true,
                     unsignedAttributes: ((_ signatureValue: [UInt8]) throws -> [[UInt8]])? = nil) throws -> [UInt8] {
        let digest = content.map { key.digest($0) } ?? contentDigest ?? []
        guard !digest.isEmpty else { throw PKIError.certificateInputInvalid("content or its digest") }
        let signedAttributes = try self.signedAttributes(contentType: contentType, digest: digest)
        let signature = try key.sign(signedAttributes)
        let signerInfo = try self.signerInfo(signedAttributes: signedAttributes, signature: signature,
                                             unsignedAttributes: try unsignedAttributes?(signature) ?? [])
        var writer = DERWriter(reservingCapacity: 2048 + (content?.count ?? 0))
        writer.sequence { contentInfo in
            contentInfo.objectIdentifier(.pkcs7SignedData)
            contentInfo.constructed(DERWriter.Tag.contextConstructed(0)) { explicit in
                explicit.sequence { signedData in
                    // version 3 when the content is not id-data (RFC 5652 §5.1), else 1
                    signedData.integer(contentType == .pkcs7Data ? 1 : 3)
                    signedData.constructed(DERWriter.Tag.set) { $0.sequence { $0.objectIdentifier(key.digestAlgorithm) } }
                    signedData.sequence { encapsulated in
                        encapsulated.objectIdentifier(contentType)
                        if let content {
                            encapsulated.constructed(DERWriter.Tag.contextConstructed(0)) { $0.octetString(content) }
                        }
                    }
                    if includeCertificates {
                        signedData.constructed(DERWriter.Tag.contextConstructed(0)) { certificates in
                            certificates.appendRaw(signerCertificate)
                            for other in otherCertificates { certificates.appendRaw(other) }
                        }
                    }
                    signedData.constructed(DERWriter.Tag.set) { $0.appendRaw(signerInfo) }
                }
            }
        }
        return writer.bytes
    }

    /// The DER of the SignedAttributes as signed: a SET OF Attribute (tag 0x31; RFC 5652 §5.4), in DER order.
    func signedAttributes(contentType: OID, digest: [UInt8]) throws -> [UInt8] {
        var attributes: [[UInt8]] = []
        attributes.append(Self.attribute(.contentTypeAttribute) { $0.objectIdentifier(contentType) })
        attributes.append(Self.attribute(.messageDigestAttribute) { $0.octetString(digest) })
        let certificateHash = Array(SHA256.hash(data: signerCertificate))
        let issuerAndSerial = try CertificateFields(signerCertificate)
        attributes.append(Self.attribute(.signingCertificateV2) { value in
            value.sequence { signingCertificate in
                signingCertificate.sequence { certs in
                    certs.sequence { essCertID in
                        // hashAlgorithm is SHA-256 by default and then left out (RFC 5035 §4)
                        essCertID.octetString(certificateHash)
                        essCertID.sequence { issuerSerial in
                            issuerSerial.sequence { names in
                                names.constructed(DERWriter.Tag.contextConstructed(4)) { $0.appendRaw(issuerAndSerial.issuer) }
                            }
                            issuerSerial.appendRaw(issuerAndSerial.serial)
                        }
                    }
                }
            }
        })
        var writer = DERWriter(reservingCapacity: 512)
        writer.constructed(DERWriter.Tag.set) { set in
            // DER orders a SET OF by its encodings
            for attribute in attributes.sorted(by: { $0.lexicographicallyPrecedes($1) }) { set.appendRaw(attribute) }
        }
        return writer.bytes
    }

    func signerInfo(signedAttributes: [UInt8], signature: [UInt8], unsignedAttributes: [[UInt8]]) throws -> [UInt8] {
        let fields = try CertificateFields(signerCertificate)
        var writer = DERWriter(reservingCapacity: 1024)
        writer.sequence { info in
            info.integer(1)
            info.sequence { sid in
                sid.appendRaw(fields.issuer)
                sid.appendRaw(fields.serial)
            }
            info.sequence { $0.objectIdentifier(key.digestAlgorithm) }
            // the signed attributes again, as [0] IMPLICIT instead of SET
            info.appendHeader(tag: DERWriter.Tag.contextConstructed(0), length: signedAttributes.count - Self.headerLength(signedAttributes))
            info.appendRaw(signedAttributes.dropFirst(Self.headerLength(signedAttributes)))
            key.writeSignatureAlgorithm(into: &info)
            info.octetString(signature)
            if !unsignedAttributes.isEmpty {
                info.constructed(DERWriter.Tag.contextConstructed(1)) { set in
                    for attribute in unsignedAttributes.sorted(by: { $0.lexicographicallyPrecedes($1) }) { set.appendRaw(attribute) }
                }
            }
        }
        return writer.bytes
    }

    /// An Attribute: its type and a SET with one value.
    public static func attribute(_ type: OID, value: (inout DERWriter) -> Void) -> [UInt8] {
        var writer = DERWriter(reservingCapacity: 128)
        writer.sequence { attribute in
            attribute.objectIdentifier(type)
            attribute.constructed(DERWriter.Tag.set, value)
        }
        return writer.bytes
    }

    /// The length of a DER element's tag and length octets.
    static func headerLength(_ element: [UInt8]) -> Int {
        guard element.count > 1 else { return element.count }
        let first = element[1]
        return first < 0x80 ? 2 : 2 + Int(first & 0x7F)
    }
}
