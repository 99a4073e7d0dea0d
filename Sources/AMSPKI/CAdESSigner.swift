import Crypto
import Foundation

/// A detached CAdES signature as PAdES baseline B-T puts in a PDF's `/Contents` (ETSI EN 319 122-1 and 319 142-1):
/// CMS SignedData over the digest of the signed bytes, with content-type, message-digest and ESS
/// signing-certificate-v2 signed (no signing-time: PAdES takes the time from the PDF's `/M`), the signer's
/// certificate and its issuer, and — at level B-T — a signature time-stamp (RFC 3161 token over the SHA-256 of the
/// signature value) as an unsigned attribute.
public struct CAdESSigner: Sendable {
    public let certificate: [UInt8]
    public let key: SigningKey
    /// The certificates between the signer and the root (the issuing CA), carried for validators.
    public let chain: [[UInt8]]

    public init(certificate: [UInt8], key: SigningKey, chain: [[UInt8]]) {
        self.certificate = certificate
        self.key = key
        self.chain = chain
    }

    /// What was made: the CMS to embed, and its parts a caller may want to keep or check.
    public struct Signature: Sendable {
        public let cms: [UInt8]
        public let signatureValue: [UInt8]
        /// The time-stamp token (a ContentInfo), at level B-T.
        public let timeStampToken: [UInt8]?
    }

    /// Signs `digest` (of the signed bytes, under the key's ``SigningKey/digestAlgorithm``); with `timeStamp`, the
    /// signature value's SHA-256 is time-stamped by it (level B-T), else the signature is level B-B.
    public func sign(digest: [UInt8], timeStamp: ((_ request: TimeStampRequest) throws -> [UInt8])?) throws -> Signature {
        var signatureValue: [UInt8] = []
        var token: [UInt8]?
        let cms = try CMSSignedDataWriter(signerCertificate: certificate, key: key, otherCertificates: chain)
            .sign(contentType: .pkcs7Data, content: nil, contentDigest: digest) { value in
                signatureValue = value
                guard let timeStamp else { return [] }
                let request = TimeStampRequest(hashAlgorithm: .sha256, hashedMessage: Array(SHA256.hash(data: value)),
                                               certificateRequested: true)
                let stamped = try timeStamp(request)
                token = stamped
                return [CMSSignedDataWriter.attribute(.signatureTimeStampToken) { $0.appendRaw(stamped) }]
            }
        return Signature(cms: cms, signatureValue: signatureValue, timeStampToken: token)
    }
}
