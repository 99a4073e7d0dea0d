import AMSCore
import Vapor

/// Signing on behalf of an agency application, shared by both API families: the signer in the application's agency,
/// a status that allows signing (else the status word, e.g. EXPIRED), the passphrase always (the key is wrapped under
/// it) and the second factor as the policy asks, then the signing service — one key opening for all documents.
struct ESignSigning {
    let req: Request
    let key: APIKeyModel

    init(_ req: Request, key: APIKeyModel) {
        self.req = req
        self.key = key
    }

    var service: ESignService { ESignService(services: req.ams, database: req.db) }

    func holder(nik: String?, email: String?) async throws -> UserModel {
        try await service.signer(nik: nik, email: email, key: key)
    }

    func sign(_ documents: [SigningService.Document], holder: UserModel, passphrase: String?, totp: String?) async throws -> [SigningService.Signed] {
        let passphrase = passphrase ?? "", code = (totp ?? "").trimmingCharacters(in: .whitespaces)
        guard !passphrase.isEmpty else { throw code.isEmpty ? ESignError.invalid("passphrase: the signer's passphrase.") : ESignError.passphraseRequired }
        let status = try await service.status(of: holder)
        guard status == .issue else {
            if (holder.signingLockedUntil ?? .distantPast) > req.ams.clock.now { throw ESignError.signingLocked }
            throw ESignError.cannotSign(status)
        }
        if code.isEmpty, req.ams.configuration.signing.secondFactorRequired { throw ESignError.secondFactorRequired }
        return try await SigningService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
            .sign(documents, holder: holder, passphrase: passphrase, code: code, context: req.auditContext.actingAsAPI(key))
    }

    /// The PAdES level a caller asks for in `field` (`B-T` when absent); anything else is refused with the choices.
    static func level(_ text: String?, field: String) throws -> SignatureLevel {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .bT }
        guard let level = SignatureLevel(loosely: text) else {
            throw ESignError.invalid("\(field): one of B-T, B-LT, B-LTA (\(LogSafe.field(text, limit: 40)) given).")
        }
        return level
    }
}
