import AMSCore
import AMSPKI
import Vapor

/// `POST /api/v1/ltv/renew`: an agency system hands back PDFs it keeps (signed through AMS or elsewhere, as long as
/// every signature verifies) and gets them re-time-stamped — fresh validation data and a new document time-stamp from
/// AMS's TSA (PAdES B-LTA), which an archive does before the newest time-stamp's certificate expires. Documents are
/// not kept; the renewal is audited by digest.
struct LongTermValidationAPIController: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").grouped(APIKeyAuthenticator()).on(.POST, "ltv", "renew", bodyLimit: bodyLimit, use: renew)
    }

    /// Documents one call renews.
    static let maximumDocuments = 20

    struct Body: Content {
        var file: [String]
    }

    struct Result: Content {
        struct Document: Content {
            let file: String
            /// When the certificate behind the newest time-stamp the document had expires (nil: it had none).
            let previousTimestampCertificateExpiry: Date?
            let timestampTime: Date
        }

        let documents: [Document]
    }

    @Sendable func renew(req: Request) async throws -> Result {
        let key = try APIKeyAuthenticator.client(req)
        let body = try req.content.decode(Body.self)
        guard (1...Self.maximumDocuments).contains(body.file.count) else {
            throw ValidationError(fields: ["file": .init("ltv_document_count", ["max": String(Self.maximumDocuments)])])
        }
        var documents: [[UInt8]] = []
        for encoded in body.file {
            guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), bytes.starts(with: Array("%PDF-".utf8)) else {
                throw ValidationError(["file": "verify_not_pdf"])
            }
            documents.append(Array(bytes))
        }
        let service = LongTermValidationService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
        var renewed: [Result.Document] = []
        for (index, document) in documents.enumerated() {
            do {
                let renewal = try await service.renew(document, context: req.auditContext.actingAsAPI(key))
                renewed.append(Result.Document(file: Data(renewal.bytes).base64EncodedString(),
                                               previousTimestampCertificateExpiry: renewal.previousExpiry, timestampTime: renewal.timestampTime))
            } catch is PDFError {
                throw ValidationError(fields: ["file": .init("ltv_unreadable", ["index": String(index + 1)])])
            } catch LongTermValidationService.Failure.unsigned {
                throw ValidationError(fields: ["file": .init("ltv_unsigned", ["index": String(index + 1)])])
            } catch LongTermValidationService.Failure.notValid(let field) {
                throw ValidationError(fields: ["file": .init("ltv_not_valid", ["index": String(index + 1), "field": LogSafe.field(field, limit: 80)])])
            }
        }
        return Result(documents: renewed)
    }
}
