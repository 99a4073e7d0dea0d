import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// The CA operator's decisions (one request, or the queue's selection), revocation, and the forgotten-passphrase replacement.
extension CertificateController {
    /// "Approve selected" in the queue: every checked request is approved and issued together, or none is.
    @Sendable func approveSelected(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard Permissions.canDecideCertificates(actor: user.actor) else { throw DomainError.forbidden }
        let form = try req.content.decode(CertificateDecisionBody.Selection.self)
        var versions: [UUID: Int] = [:]
        for value in form.selected ?? [] {
            let parts = value.split(separator: ":")
            guard parts.count == 2, let id = UUID(uuidString: String(parts[0])), let version = Int(parts[1]) else {
                throw DomainError(.badRequest, "a selection is not <id>:<version>")
            }
            versions[id] = version
        }
        func problem(_ key: String, _ status: HTTPStatus) async throws -> Response {
            try await renderList(req, text: "", status: .pending, problem: req.localized(key, ["limit": String(CertificateService.approvalLimit)]),
                                 httpStatus: status)
        }
        guard !versions.isEmpty else { return try await problem("error_none_selected", .unprocessableEntity) }
        guard versions.count <= CertificateService.approvalLimit else { return try await problem("error_too_many_selected", .unprocessableEntity) }
        let records = try await Self.visible(to: user, on: req.db).filter(\.$id ~~ Array(versions.keys)).all()
        guard records.count == versions.count else { throw DomainError.notFound }
        do {
            _ = try await service(req).approveMany(records, expectedVersions: versions, by: user, context: req.auditContext)
        } catch let error as DomainError where ![DomainError.forbidden, .notFound].contains(error) {
            let mapping = ErrorMapping(error)
            return try await problem(mapping.messageKey, mapping.status)
        }
        return req.redirect(to: "/certificates?status=pending&notice=certificates_approved")
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateDecisionBody.Decision.self)
        return try await act(req, record, user) {
            _ = try await service(req).approve(record, expectedVersion: form.version ?? -1, by: user, context: req.auditContext)
            return "certificate_issued"
        }
    }

    @Sendable func reject(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateDecisionBody.Decision.self)
        return try await act(req, record, user) {
            try await service(req).reject(record, expectedVersion: form.version ?? -1, note: form.note ?? "", by: user, context: req.auditContext)
            return "certificate_rejected"
        }
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateDecisionBody.Revocation.self)
        guard let reason = RevocationReason(name: form.reason ?? ""),
              CertificatePage.reasons(for: user.role, req).contains(where: { $0.value == reason.name }) else {
            return try await renderDetail(req, record, user, errors: req.formErrors(["reason": "error_revocation_reason"]))
        }
        var invalidity: Date?
        if let text = form.invalidityDate?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let parsed = Self.parseDay(text) else {
                return try await renderDetail(req, record, user, errors: req.formErrors(["invalidityDate": "error_invalidity_date"]))
            }
            invalidity = parsed
        }
        if user.id == record.$holder.id, !(try await reauthenticate(req, user, password: form.password, purpose: "certificate_revocation")) {
            return try await renderDetail(req, record, user, errors: req.formErrors(["password": "error_reauth_failed"]))
        }
        return try await act(req, record, user) {
            try await service(req).revoke(record, reason: reason, invalidityDate: invalidity, actor: user.actor, revokerUserID: user.id,
                                          context: req.auditContext)
            return "certificate_revoked"
        }
    }

    @Sendable func replace(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateDecisionBody.Replacement.self)
        guard try await reauthenticate(req, user, password: form.password, purpose: "certificate_replacement") else {
            return try await renderDetail(req, record, user, errors: req.formErrors(["replacePassword": "error_reauth_failed"]))
        }
        do {
            let replacement = try await service(req).replaceForgottenPassphrase(
                record, holder: user, passphrase: form.passphrase ?? "", confirmation: form.passphraseConfirmation ?? "",
                context: req.auditContext)
            let notice = replacement.status == .issued ? "certificate_issued" : "certificate_requested"
            return req.redirect(to: "/certificates/\(replacement.id!.uuidString)?notice=\(notice)")
        } catch let invalid as ValidationError {
            // the replacement form's fields are prefixed on the certificate page
            let fields = Dictionary(uniqueKeysWithValues: invalid.fields.map { ("replace" + $0.key.prefix(1).uppercased() + $0.key.dropFirst(), $0.value) })
            return try await renderDetail(req, record, user, errors: req.formErrors(ValidationError(fields: fields)))
        }
    }

    /// The holder confirms, with their password, a request an agency application started for them.
    @Sendable func confirmByHolder(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(CertificateDecisionBody.Confirmation.self)
        guard try await reauthenticate(req, user, password: form.password, purpose: "certificate_confirmation") else {
            return try await renderDetail(req, record, user, errors: req.formErrors(["confirmPassword": "error_reauth_failed"]))
        }
        return try await act(req, record, user) {
            let confirmed = try await service(req).confirmByHolder(record, holder: user, context: req.auditContext)
            return confirmed.status == .issued ? "certificate_issued" : "certificate_confirmed"
        }
    }

    /// The holder declines a request an agency application started for them.
    @Sendable func declineByHolder(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        return try await act(req, record, user) {
            try await service(req).declineByHolder(record, holder: user, context: req.auditContext)
            return "certificate_declined"
        }
    }

    /// Runs a decision or revocation; domain refusals come back on the page, a lost race as "reload".
    func act(_ req: Request, _ record: CertificateModel, _ user: UserModel, _ perform: () async throws -> String) async throws -> Response {
        do {
            let notice = try await perform()
            return req.redirect(to: "/certificates/\(record.id!.uuidString)?notice=\(notice)")
        } catch let invalid as ValidationError {
            return try await renderDetail(req, record, user, errors: req.formErrors(invalid))
        } catch let error as DomainError where ![DomainError.forbidden, .notFound].contains(error) {
            return try await renderDetail(req, record, user, problem: req.errorMessage(error), status: ErrorMapping(error).status)
        }
    }

    func renderDetail(_ req: Request, _ record: CertificateModel, _ user: UserModel, errors: FormErrors = FormErrors(),
                              problem: String? = nil, status: HTTPStatus = .unprocessableEntity) async throws -> Response {
        let fresh = try await Self.visible(to: user, on: req.db).filter(\.$id == record.id!).with(\.$holder).first() ?? record
        return try await req.renderPage("certificate", titleKey: "certificate_title",
                                        page: CertificatePage.make(fresh, for: user, req, errors: errors, problem: problem), status: status)
    }

    /// The holder confirms with their password before revoking or replacing (a left-open session is not enough).
    /// The holder's password, re-entered for an action on their certificates, checked through the sign-in throttle.
    func reauthenticate(_ req: Request, _ user: UserModel, password: String?, purpose: String) async throws -> Bool {
        try await AccountService(services: req.ams, database: req.db)
            .verifyPassword(password ?? "", of: user, purpose: purpose, context: req.auditContext)
    }

    /// `YYYY-MM-DD` as midnight UTC.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10, CalendarDate.isValid(day: parts[2], month: parts[1], year: parts[0]) else { return nil }
        return Calendar.gregorianUTC.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
