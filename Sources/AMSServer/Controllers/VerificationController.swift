import AMSCore
import AMSPKI
import Vapor

/// "Verifikasi dokumen" (`/verifikasi`, no sign-in): anyone uploads a signed PDF and reads, per signature and in plain
/// words, whether it is intact, who signed it, when, whether the signer's certificate was good then, and whether the
/// file was changed afterwards; printable. The document is not kept.
struct VerificationController: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.get("verifikasi", use: show)
        routes.on(.POST, "verifikasi", bodyLimit: bodyLimit, use: verify)
    }

    struct VerifyForm: Content {
        var document: File?
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await req.renderPage("verify", titleKey: "verify_title", page: VerifyPage(name: nil, conclusion: nil, conclusionText: nil, signatures: [],
                                                                                     error: nil))
    }

    @Sendable func verify(req: Request) async throws -> Response {
        let file = (try? req.content.decode(VerifyForm.self))?.document
        let bytes = Array(file?.data.readableBytesView ?? [])
        let name = LogSafe.field(file?.filename ?? "", limit: 120)
        guard bytes.starts(with: Array("%PDF-".utf8)) else {
            return try await req.renderPage("verify", titleKey: "verify_title", page: VerifyPage(
                name: name, conclusion: nil, conclusionText: nil, signatures: [], error: req.localized("verify_not_pdf")), status: .unprocessableEntity)
        }
        let report: VerificationService.Report
        do {
            report = try await VerificationService(services: req.ams, database: req.db).verify(bytes)
        } catch is PDFError {
            return try await req.renderPage("verify", titleKey: "verify_title", page: VerifyPage(
                name: name, conclusion: nil, conclusionText: nil, signatures: [], error: req.localized("verify_unreadable")), status: .unprocessableEntity)
        }
        let zone = req.readerTimeZone
        let rows = report.signatures.map { signature in
            SignatureRow(
                field: signature.fieldName, kind: signature.kind.rawValue,
                kindText: req.localized("verify_kind_" + signature.kind.rawValue.lowercased()),
                level: signature.level.map { req.localized("verify_level_" + $0.rawValue.lowercased().replacingOccurrences(of: "-", with: "_")) },
                signer: signature.signer?.subject.commonName ?? "—", issuer: signature.signer?.issuer.commonName ?? "—",
                time: (signature.timestampTime ?? signature.claimedSigningTime).map { DisplayFormat.timestamp($0, in: zone) } ?? "—",
                timestamped: signature.isTimestamped, indication: signature.indication.rawValue,
                indicationText: req.localized("verify_indication_" + signature.indication.rawValue.lowercased()),
                subIndication: signature.subIndication.map { req.localized("verify_sub_" + $0.rawValue.lowercased()) },
                integrity: req.localized(signature.integrity && signature.signatureValid ? "verify_integrity_ok" : "verify_integrity_failed"),
                trust: req.localized(signature.trusted ? "verify_trusted" : "verify_not_trusted"),
                revocation: req.localized(Self.revocationKey(signature.revocation)),
                revocationSource: signature.revocationSource.map { req.localized("verify_revocation_source_" + $0.rawValue.lowercased()) },
                modification: req.localized("verify_modification_" + signature.modification.rawValue.lowercased()),
                chain: signature.chain.compactMap { $0.subject.commonName }, reason: signature.reason, location: signature.location)
        }
        return try await req.renderPage("verify", titleKey: "verify_title", page: VerifyPage(
            name: name, conclusion: report.conclusion.rawValue, conclusionText: req.localized("verify_conclusion_" + report.conclusion.rawValue.lowercased()),
            signatures: rows, error: nil))
    }

    static func revocationKey(_ revocation: SignatureVerification.Revocation) -> String {
        switch revocation {
        case .good: "verify_revocation_good"
        case .revoked: "verify_revocation_revoked"
        case .unknown: "verify_revocation_unknown"
        }
    }
}
