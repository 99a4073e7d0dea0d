import Crypto
import Foundation
import SwiftASN1
import X509

/// Revocation data carried by a document (its DSS: OCSP responses and CRLs), read to learn whether a certificate was
/// revoked at a given time without asking anyone. Only data signed by the certificate's issuer — or, for OCSP, by a
/// responder the issuer delegated with id-kp-OCSPSigning — counts; anything unreadable or unsigned is ignored, never
/// trusted.
public struct EmbeddedRevocationData: Sendable {
    /// What one signed answer says about one certificate.
    struct Answer: Sendable {
        enum Status: Sendable { case good, revoked(Date) }
        let status: Status
        /// From when the answer speaks (OCSP thisUpdate, CRL thisUpdate).
        let thisUpdate: Date
        let source: Source
    }

    public enum Source: String, Sendable {
        case ocsp = "OCSP"
        case crl = "CRL"
    }

    /// What the data proves about a certificate at a time.
    public enum Finding: Sendable, Equatable {
        /// An answer issued at or after the time says it was not revoked then (or was revoked only after it).
        case good(source: Source, thisUpdate: Date)
        case revoked(at: Date, source: Source)
    }

    let ocspResponses: [[UInt8]]
    let crls: [[UInt8]]
    /// Further certificates (the DSS's, the signature's) among which delegated OCSP responders are looked for.
    let certificates: [Certificate]

    public init(ocspResponses: [[UInt8]], crls: [[UInt8]], certificates: [Certificate]) {
        self.ocspResponses = ocspResponses
        self.crls = crls
        self.certificates = certificates
    }

    /// Whether `certificate` (issued by `issuer`) was revoked at `time`, by the data that speaks to it; nil when none
    /// does (no answer about it, or only answers older than `time` that do not list it).
    public func finding(for certificate: Certificate, issuer: Certificate, at time: Date) -> Finding? {
        let answers = ocspResponses.flatMap { ocspAnswers($0, certificate: certificate, issuer: issuer) }
            + crls.compactMap { crlAnswer($0, certificate: certificate, issuer: issuer) }
        if let revoked = answers.compactMap({ answer -> (Date, Source)? in
            if case .revoked(let at) = answer.status { (at, answer.source) } else { nil }
        }).min(by: { $0.0 < $1.0 }) {
            return .revoked(at: revoked.0, source: revoked.1)
        }
        if let good = answers.filter({ $0.thisUpdate >= time }).min(by: { $0.thisUpdate < $1.thisUpdate }) {
            return .good(source: good.source, thisUpdate: good.thisUpdate)
        }
        return nil
    }

    // MARK: OCSP (RFC 6960 §4.2.1)

    func ocspAnswers(_ der: [UInt8], certificate: Certificate, issuer: Certificate) -> [Answer] {
        guard let root = try? DER.parse(der), case .constructed(let outer) = root.content else { return [] }
        let outerFields = Array(outer)
        guard outerFields.count == 2, outerFields[0].primitiveContent(.enumerated) == [0],
              case .constructed(let wrapper) = outerFields[1].content, let bytes = Array(wrapper).first,
              case .constructed(let typeAndBytes) = bytes.content else { return [] }
        let typed = Array(typeAndBytes)
        guard typed.count == 2, typed[0].primitiveContent(.objectIdentifier).flatMap({ OID(contentBytes: $0) }) == .ocspBasic,
              let basicDER = typed[1].primitiveContent(.octetString), let basic = try? DER.parse(Array(basicDER)),
              case .constructed(let basicNodes) = basic.content else { return [] }
        let basicFields = Array(basicNodes)
        guard basicFields.count >= 3, case .constructed(let dataNodes) = basicFields[0].content,
              let signature = basicFields[2].primitiveContent(.bitString), signature.first == 0,
              let algorithm = try? PDFSignatureVerifier.signatureAlgorithm(Array(basicFields[1].encodedBytes), digest: .sha256) else { return [] }
        var embedded: [Certificate] = []
        if basicFields.count > 3, case .constructed(let wrapped) = basicFields[3].content, let list = Array(wrapped).first,
           case .constructed(let items) = list.content {
            embedded = items.compactMap { try? Certificate(derEncoded: Array($0.encodedBytes)) }
        }
        // the responder: the issuer itself, or a certificate the issuer signed for OCSP signing
        var data = Array(dataNodes)
        if let first = data.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { data.removeFirst() }
        guard data.count >= 3 else { return [] }
        let candidates = [issuer] + embedded + certificates
        let responder = candidates.first { candidate in
            guard Self.identifies(data[0], candidate) else { return false }
            if candidate == issuer { return true }
            let delegated = (try? candidate.extensions.extendedKeyUsage)??.contains(.ocspSigning) ?? false
            return delegated && candidate.issuer == issuer.subject && issuer.publicKey.isValidSignature(candidate.signature, for: candidate)
        }
        guard let responder, responder.publicKey.isValidSignature(Array(signature.dropFirst()), for: Array(basicFields[0].encodedBytes),
                                                                    signatureAlgorithm: algorithm),
              case .constructed(let singles) = data[2].content else { return [] }
        var answers: [Answer] = []
        for single in singles {
            guard case .constructed(let singleNodes) = single.content else { continue }
            let fields = Array(singleNodes)
            guard fields.count >= 3, Self.certID(fields[0], names: certificate, issuer: issuer),
                  let thisUpdate = fields[2].primitiveContent(.generalizedTime).flatMap({ try? TimeStampInfo.generalizedTime(String(decoding: $0, as: UTF8.self)) })
            else { continue }
            switch fields[1].identifier {
            case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                answers.append(Answer(status: .good, thisUpdate: thisUpdate, source: .ocsp))
            case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                guard case .constructed(let info) = fields[1].content,
                      let at = Array(info).first?.primitiveContent(.generalizedTime).flatMap({ try? TimeStampInfo.generalizedTime(String(decoding: $0, as: UTF8.self)) })
                else { continue }
                answers.append(Answer(status: .revoked(at), thisUpdate: thisUpdate, source: .ocsp))
            default:
                continue  // unknown says nothing
            }
        }
        return answers
    }

    /// Whether a ResponderID (`[1]` byName or `[2]` byKey) names `certificate`.
    static func identifies(_ responderID: ASN1Node, _ certificate: Certificate) -> Bool {
        guard case .constructed(let inner) = responderID.content, let value = Array(inner).first else { return false }
        switch responderID.identifier {
        case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(certificate.subject)) != nil else { return false }
            return Array(value.encodedBytes) == serializer.serializedBytes
        case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
            guard let hash = value.primitiveContent(.octetString), let bits = try? PublicKeyBits.of(certificate.publicKey) else { return false }
            return Array(hash) == Array(Insecure.SHA1.hash(data: bits))
        default:
            return false
        }
    }

    /// Whether a CertID names `certificate` of `issuer` (issuer name and key hashes under the CertID's hash).
    static func certID(_ node: ASN1Node, names certificate: Certificate, issuer: Certificate) -> Bool {
        guard case .constructed(let nodes) = node.content else { return false }
        let fields = Array(nodes)
        guard fields.count == 4, let algorithm = try? CMSSignedDataReader.algorithm(fields[0]),
              let nameHash = fields[1].primitiveContent(.octetString), let keyHash = fields[2].primitiveContent(.octetString),
              let serial = fields[3].primitiveContent(.integer),
              CMSSignedDataReader.unsignedSerial(Array(serial)) == CMSSignedDataReader.unsignedSerial(Array(certificate.serialNumber.bytes))
        else { return false }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(issuer.subject)) != nil, let key = try? PublicKeyBits.of(issuer.publicKey) else { return false }
        let name = serializer.serializedBytes
        switch algorithm {
        case .sha1: return Array(nameHash) == Array(Insecure.SHA1.hash(data: name)) && Array(keyHash) == Array(Insecure.SHA1.hash(data: key))
        case .sha256: return Array(nameHash) == Array(SHA256.hash(data: name)) && Array(keyHash) == Array(SHA256.hash(data: key))
        default: return false
        }
    }

    // MARK: CRL (RFC 5280 §5.1)

    func crlAnswer(_ der: [UInt8], certificate: Certificate, issuer: Certificate) -> Answer? {
        guard let root = try? DER.parse(der), case .constructed(let nodes) = root.content else { return nil }
        let fields = Array(nodes)
        guard fields.count == 3, case .constructed(let tbsNodes) = fields[0].content, let signature = fields[2].primitiveContent(.bitString),
              signature.first == 0, let algorithm = try? PDFSignatureVerifier.signatureAlgorithm(Array(fields[1].encodedBytes), digest: .sha256),
              issuer.publicKey.isValidSignature(Array(signature.dropFirst()), for: Array(fields[0].encodedBytes), signatureAlgorithm: algorithm)
        else { return nil }
        var tbs = Array(tbsNodes)
        if tbs.first?.identifier == .integer { tbs.removeFirst() }  // version
        var serializer = DER.Serializer()
        guard tbs.count >= 3, (try? serializer.serialize(issuer.subject)) != nil, Array(tbs[1].encodedBytes) == serializer.serializedBytes,
              let thisUpdate = Self.time(tbs[2]) else { return nil }
        let serial = CMSSignedDataReader.unsignedSerial(Array(certificate.serialNumber.bytes))
        for node in tbs.dropFirst(3) where node.identifier == .sequence {
            guard case .constructed(let entries) = node.content else { continue }
            for entry in entries {
                guard case .constructed(let entryNodes) = entry.content else { continue }
                let entryFields = Array(entryNodes)
                guard entryFields.count >= 2, let number = entryFields[0].primitiveContent(.integer),
                      CMSSignedDataReader.unsignedSerial(Array(number)) == serial, let at = Self.time(entryFields[1]) else { continue }
                return Answer(status: .revoked(at), thisUpdate: thisUpdate, source: .crl)
            }
        }
        return Answer(status: .good, thisUpdate: thisUpdate, source: .crl)
    }

    /// A UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime.
    static func time(_ node: ASN1Node) -> Date? {
        if let bytes = node.primitiveContent(.generalizedTime) {
            return try? TimeStampInfo.generalizedTime(String(decoding: bytes, as: UTF8.self))
        }
        guard let bytes = node.primitiveContent(.utcTime), bytes.count == 13, let year = Int(String(decoding: bytes.prefix(2), as: UTF8.self)) else {
            return nil
        }
        return try? TimeStampInfo.generalizedTime((year < 50 ? "20" : "19") + String(decoding: bytes, as: UTF8.self))
    }
}
