import AMSCore
import AMSPKI
import Fluent
import Vapor

/// The request and response bodies of ``CertificateAPIController``.
extension CertificateAPIController {
    struct Summary: Content {
        let id: UUID
        let holder: String
        let status: CertificateStatus
        let method: CertificateMethod
        let version: Int
        let subject: String
        let serial: String?
        let keyAlgorithm: String
        let requestedAt: Date
        let notBefore: Date?
        let notAfter: Date?
        let revokedAt: Date?
        let revocationReason: String?
        let certificatePEM: String?
    }

    struct Page: Content {
        let items: [Summary]
        let page: Int
        let pageCount: Int
        let total: Int
    }

    struct CreateBody: Content {
        /// The holder's username (their NIP).
        let holder: String
        let csr: String?
        let passphrase: String?
    }

    struct RevokeBody: Content {
        let reason: String
        let invalidityDate: Date?
    }
}
