import Vapor

/// The page contexts of ``VerificationController``.
extension VerificationController {
    struct SignatureRow: Encodable {
        let field: String
        /// `SIGNATURE`, `SEAL` or `DOCUMENT_TIMESTAMP`, and what the reader is told it is.
        let kind: String
        let kindText: String
        /// The PAdES level, explained (nil for a document time-stamp).
        let level: String?
        let signer: String
        let issuer: String
        let time: String
        let timestamped: Bool
        let indication: String
        let indicationText: String
        let subIndication: String?
        let integrity: String
        let trust: String
        let revocation: String
        /// Where the revocation status came from (the document's own data, or AMS's records).
        let revocationSource: String?
        let modification: String
        let chain: [String]
        let reason: String?
        let location: String?
    }

    struct VerifyPage: Encodable {
        let name: String?
        let conclusion: String?
        let conclusionText: String?
        let signatures: [SignatureRow]
        let error: String?
    }
}
