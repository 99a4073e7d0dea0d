import Foundation
import SwiftASN1

/// An RFC 3161 TimeStampReq, parsed defensively: what is asked to be time-stamped (a hash and its algorithm), the
/// policy asked for, the nonce to echo and whether the TSA's certificate should come with the token.
public struct TimeStampRequest: Sendable, Equatable {
    public let hashAlgorithm: OID
    public let hashedMessage: [UInt8]
    public let policy: OID?
    /// The nonce INTEGER's content octets, echoed verbatim.
    public let nonce: [UInt8]?
    public let certificateRequested: Bool
    public let hasExtensions: Bool

    /// Why a request cannot be parsed, by RFC 3161's PKIFailureInfo bit.
    public enum Failure: Error, Sendable, Equatable {
        /// Not a TimeStampReq at all (badDataFormat).
        case badDataFormat
        /// A hash algorithm AMS does not stamp, or a hash of the wrong length for it (badAlg).
        case badAlgorithm
    }

    public init(hashAlgorithm: OID, hashedMessage: [UInt8], policy: OID? = nil, nonce: [UInt8]? = nil,
                certificateRequested: Bool = true, hasExtensions: Bool = false) {
        self.hashAlgorithm = hashAlgorithm
        self.hashedMessage = hashedMessage
        self.policy = policy
        self.nonce = nonce
        self.certificateRequested = certificateRequested
        self.hasExtensions = hasExtensions
    }

    public static let maximumSize = 4 * 1024
    /// The hash algorithms AMS stamps, by the length of their hash (SHA-1 is refused).
    public static let acceptedHashes: [OID: Int] = [.sha256: 32, .sha384: 48, .sha512: 64]

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> TimeStampRequest {
        guard !bytes.isEmpty, bytes.count <= maximumSize else { throw .badDataFormat }
        let parsed: TimeStampRequest
        do {
            parsed = try parseStructure(bytes)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .badDataFormat
        }
        guard let length = acceptedHashes[parsed.hashAlgorithm], parsed.hashedMessage.count == length else { throw .badAlgorithm }
        return parsed
    }

    private static func parseStructure(_ bytes: [UInt8]) throws -> TimeStampRequest {
        let root = try DER.parse(bytes)
        guard root.identifier == .sequence, case .constructed(let fields) = root.content else { throw Failure.badDataFormat }
        var parts = Array(fields)
        guard parts.count >= 2, parts.count <= 6, parts[0].primitiveContent(.integer) == [1] else { throw Failure.badDataFormat }
        guard parts[1].identifier == .sequence, case .constructed(let imprintFields) = parts[1].content else { throw Failure.badDataFormat }
        let imprint = Array(imprintFields)
        guard imprint.count == 2, imprint[0].identifier == .sequence, case .constructed(let algorithm) = imprint[0].content,
              let algorithmNode = algorithm.first(where: { _ in true }), let algorithmContent = algorithmNode.primitiveContent(.objectIdentifier),
              let hashed = imprint[1].primitiveContent(.octetString) else { throw Failure.badDataFormat }
        parts.removeFirst(2)
        var policy: OID?, nonce: [UInt8]?, certReq = false, extensions = false
        if let next = parts.first, let content = next.primitiveContent(.objectIdentifier) {
            policy = OID(contentBytes: content)
            parts.removeFirst()
        }
        if let next = parts.first, let content = next.primitiveContent(.integer) {
            guard !content.isEmpty, content.count <= 64 else { throw Failure.badDataFormat }
            nonce = Array(content)
            parts.removeFirst()
        }
        if let next = parts.first, let content = next.primitiveContent(.boolean) {
            guard content.count == 1 else { throw Failure.badDataFormat }
            certReq = content.first != 0
            parts.removeFirst()
        }
        if let next = parts.first, next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            extensions = true
            parts.removeFirst()
        }
        guard parts.isEmpty, let hashAlgorithm = OID(contentBytes: algorithmContent) else { throw Failure.badDataFormat }
        return TimeStampRequest(hashAlgorithm: hashAlgorithm, hashedMessage: Array(hashed), policy: policy, nonce: nonce,
                                certificateRequested: certReq, hasExtensions: extensions)
    }
}
