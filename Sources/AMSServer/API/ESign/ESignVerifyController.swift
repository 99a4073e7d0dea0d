import AMSCore
import AMSPKI
import Foundation
import Vapor
import X509

/// The national e-signature API's verification, in both families' shapes (`../shared/ESIGN-API.md`): v1
/// `POST /api/sign/verify` (multipart `signed_file`) and v2 `POST /api/v2/verify/pdf` (`{file, password?}`, the
/// misspelled keys `timestampInfomation` and `signatureAlgoritm` as the contract has them). AMS's own verifier does
/// the work (``VerificationService``); the document is not kept.
struct ESignVerifyController: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api").grouped(ESignError.Middleware(), ESignAuthenticator())
        api.on(.POST, "sign", "verify", bodyLimit: bodyLimit, use: verifyV1)
        api.on(.POST, "v2", "verify", "pdf", bodyLimit: bodyLimit * 4 / 3 + 1024, use: verifyV2)
    }

    /// A date as the API writes them: ISO 8601 in UTC.
    static func isoDate(_ date: Date) -> String { date.formatted(.iso8601) }

    func report(_ req: Request, _ bytes: [UInt8], password: String?) async throws -> VerificationService.Report {
        guard bytes.starts(with: Array("%PDF-".utf8)) else { throw ESignError.invalid("file: not a PDF.") }
        do {
            return try await VerificationService(services: req.ams, database: req.db).verify(bytes)
        } catch PDFError.encrypted {
            throw ESignError.invalid("The PDF is password-protected\(password == nil ? "" : " (a password was given)"); AMS verifies unprotected PDFs.")
        } catch is PDFError {
            throw ESignError.invalid("file: the PDF is damaged; its signatures cannot be read.")
        }
    }

    // MARK: v1

    struct V1Form: Content {
        var signedFile: File?

        enum CodingKeys: String, CodingKey { case signedFile = "signed_file" }
    }

    @Sendable func verifyV1(req: Request) async throws -> Response {
        _ = try ESignAuthenticator.client(req)
        let form = try req.content.decode(V1Form.self)
        guard let file = form.signedFile, file.data.readableBytes > 0 else { throw ESignError.invalid("signed_file: the PDF to verify.") }
        let report = try await report(req, Array(file.data.readableBytesView), password: nil)
        let details: [[String: Any]] = report.signatures.map { signature in
            var detail: [String: Any] = [
                "info_signer": [
                    "signer_name": signature.signer?.subject.commonName ?? "",
                    "signer_dn": signature.signer.map { String(describing: $0.subject) } ?? "",
                    "issuer_dn": signature.signer.map { String(describing: $0.issuer) } ?? "",
                    "cert_user_certified": signature.trusted,
                    "signer_cert_validity": signature.indication == .totalPassed,
                    "signer_cert_not_before": signature.signer.map { Self.isoDate($0.notValidBefore) } ?? "",
                    "signer_cert_not_after": signature.signer.map { Self.isoDate($0.notValidAfter) } ?? "",
                ] as [String: Any],
                "signature_document": [
                    "document_integrity": signature.integrity,
                    "signature_value": signature.signatureValid,
                    "signed_in": (signature.timestampTime ?? signature.claimedSigningTime).map(Self.isoDate) ?? "",
                    "reason": signature.reason ?? "",
                    "location": signature.location ?? "",
                    "modified_after_signing": signature.modification == .other,
                ] as [String: Any],
                "indication": signature.indication.rawValue,
            ]
            if let sub = signature.subIndication { detail["sub_indication"] = sub.rawValue }
            if let authority = signature.timestampAuthority {
                detail["info_tsa"] = ["name": authority.subject.commonName ?? "", "tsa_cert_validity": true] as [String: Any]
            }
            return detail
        }
        let body: [String: Any] = [
            "nama_dokumen": file.filename, "jumlah_signature": report.signatures.count, "details": details,
            "summary": report.conclusion.rawValue, "notes": report.signatures.flatMap(\.notes),
        ]
        return try Self.json(body)
    }

    // MARK: v2

    struct V2Body: Content {
        var file: String?
        var password: String?
    }

    @Sendable func verifyV2(req: Request) async throws -> Response {
        _ = try ESignAuthenticator.client(req)
        let body = try req.content.decode(V2Body.self)
        guard let encoded = body.file, let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw ESignError.invalid("file: the PDF to verify, base64.")
        }
        let report = try await report(req, Array(bytes), password: body.password)
        let informations: [[String: Any]] = report.signatures.enumerated().map { index, signature in
            var information: [String: Any] = [
                "id": "signature-\(index + 1)",
                "signatureFormat": signature.kind == .documentTimestamp ? "RFC3161" : (signature.isTimestamped ? "PKCS7-T" : "PKCS7-B"),
                "signerName": signature.signer?.subject.commonName ?? "",
                "signatureDate": (signature.timestampTime ?? signature.claimedSigningTime).map(Self.isoDate) ?? "",
                "fieldName": signature.fieldName,
                "reason": signature.reason ?? "",
                "location": signature.location ?? "",
                "certLevelCode": 0,
                "signatureAlgorithm": signature.signer.map { String(describing: $0.signatureAlgorithm) } ?? "",
                "digestAlgorithm": signature.digestAlgorithm.map(Self.digestName) ?? "",
                "certificateDetails": (signature.chain.isEmpty ? signature.signer.map { [$0] } ?? [] : signature.chain).enumerated().map { position, certificate in
                    [
                        "id": "certificate-\(index + 1)-\(position + 1)",
                        "commonName": certificate.subject.commonName ?? "",
                        "issuerName": certificate.issuer.commonName ?? "",
                        "serialNumber": Array(certificate.serialNumber.bytes).hexString.uppercased(),
                        "notAfterDate": Self.isoDate(certificate.notValidAfter),
                        "notBeforeDate": Self.isoDate(certificate.notValidBefore),
                        "signatureAlgoritm": String(describing: certificate.signatureAlgorithm),
                        "keyUsages": Self.keyUsages(certificate),
                    ] as [String: Any]
                },
                "integrityValid": signature.integrity && signature.signatureValid,
                "certificateTrusted": signature.trusted,
                "lastSignature": index == report.signatures.count - 1,
            ]
            if let time = signature.timestampTime {
                information["timestampInfomation"] = ["id": "timestamp-\(index + 1)", "signerName": signature.timestampAuthority?.subject.commonName ?? "",
                                                     "timestampDate": Self.isoDate(time)] as [String: Any]
            }
            return information
        }
        let body2: [String: Any] = [
            "conclusion": report.conclusion.rawValue, "description": Self.description(report.conclusion),
            "signatureInformations": informations, "signatureCount": report.signatures.count,
        ]
        return try Self.json(body2)
    }

    static func description(_ conclusion: VerificationService.Conclusion) -> String {
        switch conclusion {
        case .valid: "Every signature is valid and the document was not changed after signing."
        case .invalid: "A signature is not valid: the document was changed or the signature is false."
        case .indeterminate: "The signatures are intact but their validity cannot be confirmed (see each signature)."
        case .modified: "The document was changed after signing in a way that can change what is shown."
        case .noSignature: "The document carries no electronic signature."
        }
    }

    static func digestName(_ oid: OID) -> String {
        switch oid {
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        default: oid.description
        }
    }

    static func keyUsages(_ certificate: Certificate) -> [String] {
        guard let usage = try? certificate.extensions.keyUsage else { return [] }
        return [(usage.digitalSignature, "digitalSignature"), (usage.nonRepudiation, "nonRepudiation"), (usage.keyEncipherment, "keyEncipherment"),
                (usage.dataEncipherment, "dataEncipherment"), (usage.keyAgreement, "keyAgreement"), (usage.keyCertSign, "keyCertSign"),
                (usage.cRLSign, "cRLSign")].filter(\.0).map(\.1)
    }

    static func json(_ object: [String: Any]) throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
        response.headers.contentType = .json
        return response
    }
}
