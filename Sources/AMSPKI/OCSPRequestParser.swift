import Foundation
import SwiftASN1

/// One certificate asked about in an OCSP request (RFC 6960 §4.1.1).
public struct OCSPCertificateQuery: Sendable, Hashable {
    /// The CertID exactly as received; echoed in the response.
    public let certIDDER: [UInt8]
    public let hashAlgorithm: OID
    public let issuerNameHash: [UInt8]
    public let issuerKeyHash: [UInt8]
    /// Serial magnitude, leading zero bytes removed.
    public let serial: [UInt8]
}

/// A parsed OCSP request: the certificates asked about and the nonce extension, if any.
public struct OCSPRequestContent: Sendable, Equatable {
    public let queries: [OCSPCertificateQuery]
    /// The nonce extension's extnValue, echoed verbatim.
    public let nonce: [UInt8]?
}

/// Parses DER OCSP requests defensively: anything unexpected is ``OCSPRequestParser/Malformed``, never a crash.
public enum OCSPRequestParser {
    public struct Malformed: Error, Sendable {}

    /// At most this many certificates per request (more is answered with malformedRequest).
    public static let maximumQueries = 16
    public static let maximumSize = 8 * 1024

    /// The nonce lengths accepted (RFC 9654 §2.1).
    public static let nonceLength = 1...128

    public static func parse(_ bytes: [UInt8]) throws -> OCSPRequestContent {
        guard !bytes.isEmpty, bytes.count <= maximumSize else { throw Malformed() }
        do {
            let root = try DER.parse(bytes)
            let request = try children(root, .sequence)
            guard let tbsNode = request.first, request.count <= 2 else { throw Malformed() }
            let tbs = try children(tbsNode, .sequence)
            var index = 0
            if index < tbs.count, tbs[index].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                index += 1
            }
            if index < tbs.count, tbs[index].identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                index += 1
            }
            guard index < tbs.count else { throw Malformed() }
            let list = try children(tbs[index], .sequence)
            index += 1
            guard !list.isEmpty, list.count <= maximumQueries else { throw Malformed() }
            let queries = try list.map(query)
            var nonce: [UInt8]?
            if index < tbs.count {
                guard tbs[index].identifier == ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific) else { throw Malformed() }
                let wrapper = try children(tbs[index], nil)
                guard wrapper.count == 1 else { throw Malformed() }
                for ext in try children(wrapper[0], .sequence) {
                    let parts = try children(ext, .sequence)
                    guard parts.count >= 2, let oid = try oid(parts[0]) else { throw Malformed() }
                    if oid == .ocspNonce, let value = parts.last, value.identifier == .octetString,
                       case .primitive(let content) = value.content {
                        // the extnValue holds the nonce as an OCTET STRING of 1 to 128 octets (RFC 8954 refuses an
                        // empty one; RFC 9654 allows up to 128)
                        guard let inner = try? DER.parse(Array(content)), inner.identifier == .octetString,
                              case .primitive(let octets) = inner.content, Self.nonceLength.contains(octets.count) else { throw Malformed() }
                        nonce = Array(content)
                    }
                }
                index += 1
            }
            guard index == tbs.count else { throw Malformed() }
            return OCSPRequestContent(queries: queries, nonce: nonce)
        } catch is Malformed {
            throw Malformed()
        } catch {
            throw Malformed()
        }
    }

    static func query(_ node: ASN1Node) throws -> OCSPCertificateQuery {
        let request = try children(node, .sequence)
        guard let certIDNode = request.first, request.count <= 2 else { throw Malformed() }
        let certID = try children(certIDNode, .sequence)
        guard certID.count == 4 else { throw Malformed() }
        let algorithm = try children(certID[0], .sequence)
        guard let algorithmOID = try algorithm.first.flatMap(oid),
              let nameHash = certID[1].primitiveContent(.octetString), let keyHash = certID[2].primitiveContent(.octetString),
              let serial = certID[3].primitiveContent(.integer), !serial.isEmpty, serial.count <= 64 else { throw Malformed() }
        return OCSPCertificateQuery(certIDDER: Array(certIDNode.encodedBytes), hashAlgorithm: algorithmOID,
                                    issuerNameHash: Array(nameHash), issuerKeyHash: Array(keyHash),
                                    serial: Array(serial.drop(while: { $0 == 0 })))
    }

    static func children(_ node: ASN1Node, _ identifier: ASN1Identifier?) throws -> [ASN1Node] {
        if let identifier, node.identifier != identifier { throw Malformed() }
        guard case .constructed(let collection) = node.content else { throw Malformed() }
        return Array(collection)
    }

    static func oid(_ node: ASN1Node) throws -> OID? {
        guard let content = node.primitiveContent(.objectIdentifier) else { return nil }
        return OID(contentBytes: content)
    }
}
