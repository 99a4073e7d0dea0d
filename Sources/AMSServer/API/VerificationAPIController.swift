import AMSCore
import AMSPKI
import Vapor

/// `POST /api/v1/verify`: AMS's own verification result for agency systems, in EN 319 102-1 terms (indication and
/// sub-indication per signature, with what they rest on), beside the national API's two verify shapes.
struct VerificationAPIController: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").grouped(APIKeyAuthenticator()).on(.POST, "verify", bodyLimit: bodyLimit, use: verify)
    }

    struct Body: Content {
        var file: String
    }

    struct Result: Content {
        struct Signature: Content {
            let fieldName: String
            /// `SIGNATURE` (a person), `SEAL` (an institution's electronic seal) or `DOCUMENT_TIMESTAMP`.
            let kind: String
            /// `PAdES-B-B`, `PAdES-B-T`, `PAdES-B-LT`, `PAdES-B-LTA` (nil for a document time-stamp).
            let level: String?
            let indication: String
            let subIndication: String?
            let signer: String?
            let issuer: String?
            let signedAt: Date?
            let timestamped: Bool
            let coversWholeFile: Bool
            let modification: String
            let integrity: Bool
            let signatureValid: Bool
            let trusted: Bool
            let revocation: String
            /// `OCSP` or `CRL` embedded in the document, `ISSUER` (AMS's own records), or nil.
            let revocationSource: String?
            let notes: [String]
        }

        let conclusion: String
        let signatures: [Signature]
    }

    @Sendable func verify(req: Request) async throws -> Result {
        _ = try APIKeyAuthenticator.client(req)
        let body = try req.content.decode(Body.self)
        guard let bytes = Data(base64Encoded: body.file, options: .ignoreUnknownCharacters), bytes.starts(with: Array("%PDF-".utf8)) else {
            throw ValidationError(["file": "verify_not_pdf"])
        }
        let report: VerificationService.Report
        do {
            report = try await VerificationService(services: req.ams, database: req.db).verify(Array(bytes))
        } catch is PDFError {
            throw ValidationError(["file": "verify_unreadable"])
        }
        return Result(conclusion: report.conclusion.rawValue, signatures: report.signatures.map { signature in
            let revocation = switch signature.revocation {
            case .good: "good"
            case .revoked: "revoked"
            case .unknown: "unknown"
            }
            return Result.Signature(
                fieldName: signature.fieldName, kind: signature.kind.rawValue, level: signature.level?.rawValue,
                indication: signature.indication.rawValue, subIndication: signature.subIndication?.rawValue,
                signer: signature.signer?.subject.commonName, issuer: signature.signer?.issuer.commonName,
                signedAt: signature.timestampTime ?? signature.claimedSigningTime, timestamped: signature.isTimestamped,
                coversWholeFile: signature.coversWholeFile, modification: signature.modification.rawValue, integrity: signature.integrity,
                signatureValid: signature.signatureValid, trusted: signature.trusted, revocation: revocation, revocationSource: signature.revocationSource?.rawValue, notes: signature.notes)
        })
    }
}
