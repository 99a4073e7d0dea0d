import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// A holder asks for a certificate, or renews one: a passphrase-protected key made by AMS, or a CSR.
extension CertificateController {
    @Sendable func showNew(req: Request) async throws -> Response {
        try await renderNew(req, action: "/certificates/new", renewal: false, form: CertificateRequestBody(), errors: FormErrors(), status: .ok)
    }

    @Sendable func showRenew(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        guard Permissions.canRenewCertificate(actor: user.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        return try await renderNew(req, action: "/certificates/\(record.id!.uuidString)/renew", renewal: true, form: CertificateRequestBody(),
                                   errors: FormErrors(), status: .ok)
    }

    func renderNew(_ req: Request, action: String, renewal: Bool, form: CertificateRequestBody, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        try await req.renderPage("certificate-new", titleKey: renewal ? "certificate_renew_title" : "certificate_new_title", page: CertificateRequestFormPage(
            action: action, renewal: renewal, approvalRequired: req.ams.configuration.certificates.approvalRequired,
            method: form.method == "csr" || !(form.csrText ?? "").isEmpty ? "csr" : "generated", csrText: form.csrText.clipped(CSRInspector.maximumSize),
            errors: errors), status: status)
    }

    /// The key the holder chose: a CSR when one is given (under "advanced"; or `method=csr`), else a key AMS makes
    /// under the passphrase. Nil when `method=csr` comes without a CSR.
    static func keySource(_ form: CertificateRequestBody) -> CertificateService.KeySource? {
        let csr: [UInt8]? = if let file = form.csrFile, file.data.readableBytes > 0 { Array(file.data.readableBytesView) }
            else if let text = form.csrText?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty { Array(text.utf8) }
            else { nil }
        if let csr { return .csr(csr) }
        if form.method == "csr" { return nil }
        return .passphrase(form.passphrase ?? "", confirmation: form.passphraseConfirmation ?? "")
    }

    @Sendable func submitNew(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(CertificateRequestBody.self)
        return try await submit(req, user, form: form, action: "/certificates/new", renewal: false) {
            try await service(req).request(holder: user, source: $0, context: req.auditContext)
        }
    }

    @Sendable func submitRenew(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateRequestBody.self)
        return try await submit(req, user, form: form, action: "/certificates/\(record.id!.uuidString)/renew", renewal: true) {
            try await service(req).renew(record, holder: user, source: $0, context: req.auditContext)
        }
    }

    /// Checks the re-entered password, then the key source, then asks the service.
    func submit(_ req: Request, _ user: UserModel, form: CertificateRequestBody, action: String, renewal: Bool,
                _ perform: (CertificateService.KeySource) async throws -> CertificateModel) async throws -> Response {
        guard try await reauthenticate(req, user, password: form.password, purpose: renewal ? "certificate_renewal" : "certificate_request") else {
            return try await renderNew(req, action: action, renewal: renewal, form: form,
                                       errors: req.formErrors(["password": "error_reauth_failed"]), status: .unprocessableEntity)
        }
        guard let source = Self.keySource(form) else {
            return try await renderNew(req, action: action, renewal: renewal, form: form,
                                       errors: req.formErrors(["csr": "error_csr_missing"]), status: .unprocessableEntity)
        }
        do {
            let record = try await perform(source)
            let notice = record.status == .issued ? "certificate_issued" : "certificate_requested"
            return req.redirect(to: "/certificates/\(record.id!.uuidString)?notice=\(notice)")
        } catch let invalid as ValidationError {
            return try await renderNew(req, action: action, renewal: renewal, form: form, errors: req.formErrors(invalid),
                                       status: .unprocessableEntity)
        } catch let error as DomainError where ![DomainError.forbidden, .notFound].contains(error) {
            return try await renderNew(req, action: action, renewal: renewal, form: form, errors: FormErrors(summary: req.errorMessage(error)),
                                       status: ErrorMapping(error).status)
        }
    }
}
