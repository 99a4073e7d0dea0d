import AMSCore
import AMSPKI
import Fluent
import Foundation
import X509

/// Verifies the signatures in a PDF for anyone (the page "Verifikasi dokumen", the national API's verify endpoints):
/// AMS's root and the roots an administrator added are the trust anchors; revocation comes from the document's own
/// validation data, else — for certificates AMS issued, persons' and seals' — from AMS's own records (a certificate
/// revoked before the signature's proven time makes it REVOKED). Seals are told from persons by the seal policy. The
/// document is not kept.
struct VerificationService: Sendable {
    let services: AMSServices
    let database: any Database

    struct Report: Sendable {
        let signatures: [SignatureVerification]

        /// The document-level conclusion.
        var conclusion: Conclusion {
            if signatures.isEmpty { return .noSignature }
            if signatures.contains(where: { $0.modification == .other }) { return .modified }
            if signatures.allSatisfy({ $0.indication == .totalPassed }) { return .valid }
            if signatures.contains(where: { $0.indication == .totalFailed }) { return .invalid }
            return .indeterminate
        }
    }

    enum Conclusion: String, Sendable {
        case valid = "VALID"
        case invalid = "INVALID"
        case indeterminate = "INDETERMINATE"
        case modified = "MODIFIED"
        case noSignature = "NO_SIGNATURE"
    }

    func verify(_ pdf: [UInt8]) async throws -> Report {
        let loaded = try await services.caKeys.current(on: database)
        let issuer = loaded.issuing.certificate.subject
        let database = self.database
        let anchors = try await TrustAnchorModel.query(on: database).all().compactMap { try? Certificate(derEncoded: Array($0.certificateDER)) }
        let sealPolicies = Set(services.sealProfile.policies)
        let verifier = PDFSignatureVerifier(trustRoots: [loaded.root.certificate] + anchors, sealPolicies: sealPolicies) { certificate in
            guard certificate.issuer == issuer else { return .unknown }
            let serial = Array(certificate.serialNumber.bytes).hexString
            if let record = try? await CertificateModel.query(on: database).filter(\.$serialHex == serial).first() {
                return record.status == .revoked ? .revoked(at: record.revokedAt ?? .distantPast) : .good
            }
            if let seal = try? await SealModel.query(on: database).filter(\.$serialHex == serial).first() {
                return seal.status == .revoked ? .revoked(at: seal.revokedAt ?? .distantPast) : .good
            }
            return .unknown
        }
        return Report(signatures: try await verifier.verify(pdf, now: services.clock.now))
    }
}
