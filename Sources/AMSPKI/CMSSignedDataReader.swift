import Foundation
import SwiftASN1
import X509

/// Reads a CMS SignedData (RFC 5652 §5) as PDF signatures and RFC 3161 time-stamp tokens carry one: the certificates,
/// the encapsulated content (a token's TSTInfo), and the single signer's identifier, algorithms, signed attributes
/// (with their DER as a SET, which is what is signed), signature value and unsigned attributes. Anything malformed
/// is ``Failure/malformed(_:)``, never a crash.
public struct CMSSignedDataReader: Sendable {
    public struct SignerInfo: Sendable {
        /// The signer by issuer and serial number (DER of the issuer name, serial's content octets), or by subject key
        /// identifier.
        public enum Identifier: Sendable, Equatable {
            case issuerAndSerial(issuer: [UInt8], serial: [UInt8])
            case subjectKeyIdentifier([UInt8])
        }

        public let identifier: Identifier
        public let digestAlgorithm: OID
        public let signatureAlgorithm: [UInt8]
        /// The signed attributes' DER re-tagged as a SET OF (RFC 5652 §5.4): the bytes the signature covers.
        public let signedAttributesDER: [UInt8]?
        public let signedAttributes: [OID: [ASN1Node]]
        public let signature: [UInt8]
        public let unsignedAttributes: [OID: [ASN1Node]]

        /// The message-digest attribute's value.
        public var messageDigest: [UInt8]? {
            signedAttributes[.messageDigestAttribute]?.first?.primitiveContent(.octetString).map(Array.init)
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        case malformed(String)
    }

    public let certificates: [Certificate]
    public let contentType: OID
    /// The encapsulated content, when it is carried (a time-stamp token's TSTInfo); nil when detached.
    public let content: [UInt8]?
    public let signer: SignerInfo

    public init(_ bytes: [UInt8]) throws {
        do {
            try self.init(parsing: bytes)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.malformed("not DER")
        }
    }

    private init(parsing bytes: [UInt8]) throws {
        func fields(_ node: ASN1Node) throws -> [ASN1Node] {
            guard case .constructed(let nodes) = node.content else { throw Failure.malformed("expected a constructed element") }
            return Array(nodes)
        }
        // PDF /Contents is padded with zeros after the DER: parse the first element only
        let root = try DER.parse(Array(Self.firstElement(bytes)))
        let info = try fields(root)
        guard root.identifier == .sequence, info.count == 2, let type = info[0].primitiveContent(.objectIdentifier),
              OID(contentBytes: type) == .pkcs7SignedData, info[1].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
        else { throw Failure.malformed("not a SignedData ContentInfo") }
        guard let signedDataNode = try fields(info[1]).first, signedDataNode.identifier == .sequence else { throw Failure.malformed("SignedData") }
        var parts = try fields(signedDataNode)
        guard parts.count >= 4, parts[0].primitiveContent(.integer) != nil else { throw Failure.malformed("SignedData fields") }
        let encapsulated = try fields(parts[2])
        guard let typeBytes = encapsulated.first?.primitiveContent(.objectIdentifier), let contentType = OID(contentBytes: typeBytes) else {
            throw Failure.malformed("encapsulated content")
        }
        self.contentType = contentType
        if encapsulated.count == 2 {
            guard let octets = try fields(encapsulated[1]).first?.primitiveContent(.octetString) else { throw Failure.malformed("eContent") }
            content = Array(octets)
        } else {
            content = nil
        }
        parts.removeFirst(3)
        var certificates: [Certificate] = []
        if parts.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            for node in try fields(parts.removeFirst()) where node.identifier == .sequence {
                certificates.append(try Certificate(derEncoded: Array(node.encodedBytes)))
            }
        }
        if parts.first?.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) { parts.removeFirst() }
        guard parts.count == 1, parts[0].identifier == .set else { throw Failure.malformed("signerInfos") }
        let signers = try fields(parts[0])
        guard signers.count == 1 else { throw Failure.malformed("\(signers.count) signers; one expected") }
        self.certificates = certificates
        self.signer = try Self.signerInfo(try fields(signers[0]))
    }

    static func signerInfo(_ fields: [ASN1Node]) throws -> SignerInfo {
        var parts = fields
        guard parts.count >= 5, parts[0].primitiveContent(.integer) != nil else { throw Failure.malformed("SignerInfo") }
        let identifier: SignerInfo.Identifier
        switch parts[1].identifier {
        case .sequence:
            guard case .constructed(let nodes) = parts[1].content else { throw Failure.malformed("sid") }
            let pair = Array(nodes)
            guard pair.count == 2, let serial = pair[1].primitiveContent(.integer) else { throw Failure.malformed("sid") }
            identifier = .issuerAndSerial(issuer: Array(pair[0].encodedBytes), serial: Array(serial))
        case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
            guard case .primitive(let key) = parts[1].content else { throw Failure.malformed("sid") }
            identifier = .subjectKeyIdentifier(Array(key))
        default:
            throw Failure.malformed("sid")
        }
        guard let digest = try algorithm(parts[2]) else { throw Failure.malformed("digestAlgorithm") }
        parts.removeFirst(3)
        var signedDER: [UInt8]?, signed: [OID: [ASN1Node]] = [:]
        if parts.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            let node = parts.removeFirst()
            var der = Array(node.encodedBytes)
            der[0] = 0x31  // [0] IMPLICIT → SET OF, as signed
            signedDER = der
            signed = try attributes(node)
        }
        guard parts.count >= 2, parts[0].identifier == .sequence, let signature = parts[1].primitiveContent(.octetString) else {
            throw Failure.malformed("signature")
        }
        let unsigned = parts.count > 2 ? try attributes(parts[2]) : [:]
        return SignerInfo(identifier: identifier, digestAlgorithm: digest, signatureAlgorithm: Array(parts[0].encodedBytes),
                          signedAttributesDER: signedDER, signedAttributes: signed, signature: Array(signature), unsignedAttributes: unsigned)
    }

    /// An AlgorithmIdentifier's OID.
    static func algorithm(_ node: ASN1Node) throws -> OID? {
        guard node.identifier == .sequence, case .constructed(let nodes) = node.content,
              let first = Array(nodes).first?.primitiveContent(.objectIdentifier) else { return nil }
        return OID(contentBytes: first)
    }

    static func attributes(_ node: ASN1Node) throws -> [OID: [ASN1Node]] {
        guard case .constructed(let nodes) = node.content else { throw Failure.malformed("attributes") }
        var result: [OID: [ASN1Node]] = [:]
        for attribute in nodes {
            guard case .constructed(let pair) = attribute.content else { throw Failure.malformed("attribute") }
            let items = Array(pair)
            guard items.count == 2, let type = items[0].primitiveContent(.objectIdentifier), let oid = OID(contentBytes: type),
                  case .constructed(let values) = items[1].content else { throw Failure.malformed("attribute") }
            result[oid] = Array(values)
        }
        return result
    }

    /// The bytes of the first DER element (its tag, length and content), dropping any padding after it.
    static func firstElement(_ bytes: [UInt8]) throws -> ArraySlice<UInt8> {
        guard bytes.count >= 2 else { throw Failure.malformed("empty") }
        var length = Int(bytes[1]), header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 4, bytes.count >= 2 + count else { throw Failure.malformed("length") }
            length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            header = 2 + count
        }
        guard header + length <= bytes.count else { throw Failure.malformed("length beyond the bytes") }
        return bytes[0..<(header + length)]
    }

    /// The signer's certificate among `certificates` (and `extra`).
    public func signerCertificate(extra: [Certificate] = []) -> Certificate? {
        (certificates + extra).first { certificate in
            switch signer.identifier {
            case .issuerAndSerial(let issuer, let serial):
                var serializer = DER.Serializer()
                guard (try? serializer.serialize(certificate.issuer)) != nil else { return false }
                return serializer.serializedBytes == issuer && Self.unsignedSerial(Array(certificate.serialNumber.bytes)) == Self.unsignedSerial(serial)
            case .subjectKeyIdentifier(let key):
                guard let extensionValue = try? certificate.extensions.subjectKeyIdentifier else { return false }
                return Array(extensionValue.keyIdentifier) == key
            }
        }
    }

    /// A serial's octets without leading zero bytes (DER's sign byte before a high bit; some keep it, some do not).
    static func unsignedSerial(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = Array(bytes.drop { $0 == 0 })
        return trimmed.isEmpty ? [0] : trimmed
    }
}
