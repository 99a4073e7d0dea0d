import Crypto
import Foundation

/// AMS's time-stamping authority (RFC 3161): answers a TimeStampReq with a TimeStampResp carrying a token — a CMS
/// SignedData over a TSTInfo (the hash asked about, the time, a serial number, the nonce echoed) signed by the TSA
/// certificate (id-kp-timeStamping, critical) under the issuing CA. Requests it cannot honour get a rejection with
/// the PKIFailureInfo bit that says why, never an error page.
public struct TimeStampAuthority: Sendable {
    public let unit: CertificateAuthority
    public let issuing: CertificateAuthority
    /// The TSA policy the tokens are issued under.
    public let policy: OID

    public init(unit: CertificateAuthority, issuing: CertificateAuthority, policy: OID) {
        self.unit = unit
        self.issuing = issuing
        self.policy = policy
    }

    /// PKIFailureInfo bits (RFC 3161 §2.4.2).
    enum FailureBit: Int {
        case badAlg = 0
        case badRequest = 2
        case badDataFormat = 5
        case unacceptedPolicy = 15
        case unacceptedExtension = 16
    }

    /// The DER TimeStampResp to a DER TimeStampReq received at `now`; `serial` is the token's serial number (unique).
    public func respond(to body: [UInt8], now: Date, serial: [UInt8]) throws -> [UInt8] {
        let request: TimeStampRequest
        do {
            request = try TimeStampRequest.parse(body)
        } catch .badAlgorithm {
            return Self.rejection(.badAlg, text: "hash algorithm not accepted (SHA-256, SHA-384 or SHA-512)")
        } catch {
            return Self.rejection(.badDataFormat, text: "not an RFC 3161 TimeStampReq")
        }
        if let asked = request.policy, asked != policy { return Self.rejection(.unacceptedPolicy, text: "policy not offered") }
        if request.hasExtensions { return Self.rejection(.unacceptedExtension, text: "extensions not supported") }
        let token = try self.token(for: request, at: now, serial: serial)
        var writer = DERWriter(reservingCapacity: token.count + 16)
        writer.sequence { response in
            response.sequence { $0.integer(0) }  // granted
            response.appendRaw(token)
        }
        return writer.bytes
    }

    /// A time-stamp token (a ContentInfo) for a hash, e.g. of a signature value for a PAdES B-T signature.
    public func token(for request: TimeStampRequest, at now: Date, serial: [UInt8]) throws -> [UInt8] {
        let genTime = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        var info = DERWriter(reservingCapacity: 256)
        info.sequence { tst in
            tst.integer(1)
            tst.objectIdentifier(policy)
            tst.sequence { imprint in
                imprint.sequence { $0.objectIdentifier(request.hashAlgorithm) }
                imprint.octetString(request.hashedMessage)
            }
            tst.unsignedInteger(serial)
            tst.generalizedTime(genTime)
            tst.sequence { $0.integer(1) }  // accuracy: one second
            if let nonce = request.nonce { tst.append(tag: DERWriter.Tag.integer, content: nonce) }
        }
        return try CMSSignedDataWriter(signerCertificate: unit.der, key: unit.key, otherCertificates: [issuing.der])
            .sign(contentType: .tstInfo, content: info.bytes, includeCertificates: request.certificateRequested)
    }

    /// `pdf` with a document time-stamp (PAdES B-LTA) from this authority at `time`: a token over the SHA-256 of
    /// the bytes the time-stamp's `/ByteRange` covers, in a new invisible field called `fieldName`.
    public func documentTimestamp(_ pdf: [UInt8], fieldName: String, at time: Date, serial: [UInt8]) throws -> [UInt8] {
        try PDFIncrementalSigner().timestamp(pdf, fieldName: fieldName) { parts in
            var hash = SHA256()
            for part in parts { hash.update(data: part) }
            return try token(for: TimeStampRequest(hashAlgorithm: .sha256, hashedMessage: Array(hash.finalize())), at: time, serial: serial)
        }
    }

    static func rejection(_ bit: FailureBit, text: String) -> [UInt8] {
        var writer = DERWriter(reservingCapacity: 96)
        writer.sequence { response in
            response.sequence { status in
                status.integer(2)  // rejection
                status.sequence { $0.append(tag: DERWriter.Tag.utf8String, content: Array(text.utf8)) }
                // a BIT STRING whose only set bit is `bit`, trailing zero bits trimmed
                let byteCount = bit.rawValue / 8 + 1
                var bits = [UInt8](repeating: 0, count: byteCount)
                bits[bit.rawValue / 8] = 0x80 >> UInt8(bit.rawValue % 8)
                let unused = 7 - bit.rawValue % 8
                status.append(tag: DERWriter.Tag.bitString, content: [UInt8(unused)] + bits)
            }
        }
        return writer.bytes
    }
}
