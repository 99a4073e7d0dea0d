import Vapor

/// The page contexts of ``SignatureRecordController``.
extension SignatureRecordController {
    struct RecordPage: Encodable {
        let id: String
        let signer: String
        let agency: String
        let signedAt: String
        let serial: String
        let certificateState: String
        let certificateStateLabel: String
        let validUntil: String
        let signedSHA256: String
        let visible: Bool
        /// `same`, `extended`, `different` or `not_pdf` after an upload, and what it means.
        let comparison: String?
        let comparisonText: String?
    }
}
