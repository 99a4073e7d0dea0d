import Foundation

/// An ASN.1 object identifier in dotted form, with its DER content octets.
public struct OID: Hashable, Sendable, CustomStringConvertible {
    public let arcs: [UInt64]

    public init(_ arcs: [UInt64]) {
        precondition(arcs.count >= 2, "an OID has at least two arcs")
        self.arcs = arcs
    }

    /// Parses "1.2.840.10045.4.3.2"; nil for anything else.
    public init?(dotted: String) {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false).map { UInt64($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        let arcs = parts.map { $0! }
        guard arcs[0] <= 2, arcs[0] == 2 || arcs[1] < 40 else { return nil }
        self.arcs = arcs
    }

    public var description: String { arcs.map(String.init).joined(separator: ".") }

    public var contentBytes: [UInt8] {
        var out: [UInt8] = []
        func base128(_ value: UInt64) {
            var groups: [UInt8] = [UInt8(value & 0x7F)]
            var remaining = value >> 7
            while remaining > 0 {
                groups.insert(UInt8(remaining & 0x7F) | 0x80, at: 0)
                remaining >>= 7
            }
            out.append(contentsOf: groups)
        }
        base128(arcs[0] * 40 + arcs[1])
        for arc in arcs.dropFirst(2) { base128(arc) }
        return out
    }

    /// Decodes DER content octets; nil if malformed.
    public init?(contentBytes: some Collection<UInt8>) {
        var values: [UInt64] = []
        var current: UInt64 = 0
        var inProgress = false
        for byte in contentBytes {
            if !inProgress && byte == 0x80 { return nil }
            guard current >> 57 == 0 else { return nil }
            current = current << 7 | UInt64(byte & 0x7F)
            inProgress = byte & 0x80 != 0
            if !inProgress { values.append(current); current = 0 }
        }
        guard !inProgress, let first = values.first else { return nil }
        let head: [UInt64] = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
        self.arcs = head + values.dropFirst()
    }

    public static let sha1: OID = [1, 3, 14, 3, 2, 26]
    public static let sha256: OID = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    public static let sha384: OID = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    public static let sha512: OID = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    public static let ecdsaWithSHA256: OID = [1, 2, 840, 10045, 4, 3, 2]
    public static let ecdsaWithSHA384: OID = [1, 2, 840, 10045, 4, 3, 3]
    public static let sha256WithRSAEncryption: OID = [1, 2, 840, 113549, 1, 1, 11]
    public static let authorityKeyIdentifier: OID = [2, 5, 29, 35]
    public static let crlNumber: OID = [2, 5, 29, 20]
    public static let crlReason: OID = [2, 5, 29, 21]
    public static let invalidityDate: OID = [2, 5, 29, 24]
    public static let certificatePolicies: OID = [2, 5, 29, 32]
    public static let crlDistributionPoints: OID = [2, 5, 29, 31]
    public static let ocspBasic: OID = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
    public static let ocspNonce: OID = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]
    public static let ocspNoCheck: OID = [1, 3, 6, 1, 5, 5, 7, 48, 1, 5]
    public static let cpsQualifier: OID = [1, 3, 6, 1, 5, 5, 7, 2, 1]
    public static let documentSigning: OID = [1, 3, 6, 1, 5, 5, 7, 3, 36]
    public static let emailProtection: OID = [1, 3, 6, 1, 5, 5, 7, 3, 4]
    /// ETSI EN 319 411-1 normalized certificate policy (NCP).
    public static let etsiNormalizedCertificatePolicy: OID = [0, 4, 0, 2042, 1, 1]
    public static let pkcs7SignedData: OID = [1, 2, 840, 113549, 1, 7, 2]
    /// id-kp-timeStamping (RFC 3161 §2.3).
    public static let timeStamping: OID = [1, 3, 6, 1, 5, 5, 7, 3, 8]
    /// id-ct-TSTInfo, the content type of a time-stamp token (RFC 3161 §2.4.2).
    public static let tstInfo: OID = [1, 2, 840, 113549, 1, 9, 16, 1, 4]
    /// CMS signed attributes (RFC 5652 §11) and ESS signing-certificate-v2 (RFC 5035).
    public static let contentTypeAttribute: OID = [1, 2, 840, 113549, 1, 9, 3]
    public static let messageDigestAttribute: OID = [1, 2, 840, 113549, 1, 9, 4]
    public static let signingCertificateV2: OID = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
    /// id-aa-signatureTimeStampToken, the unsigned attribute of a signature's time-stamp (RFC 3161 appendix A).
    public static let signatureTimeStampToken: OID = [1, 2, 840, 113549, 1, 9, 16, 2, 14]
    public static let pkcs7Data: OID = [1, 2, 840, 113549, 1, 7, 1]
    public static let subjectAlternativeName: OID = [2, 5, 29, 17]
    public static let subjectKeyIdentifier: OID = [2, 5, 29, 14]
    public static let organizationName: OID = [2, 5, 4, 10]
    public static let organizationalUnitName: OID = [2, 5, 4, 11]
    public static let commonName: OID = [2, 5, 4, 3]
    public static let subjectSerialNumber: OID = [2, 5, 4, 5]
}

extension OID: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: UInt64...) {
        self.init(elements)
    }
}
