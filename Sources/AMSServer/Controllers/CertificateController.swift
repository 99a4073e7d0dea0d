import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// Certificates in the web UI: list and search (holders their own, agency operators their agency's, CA operators
/// all), requests with a passphrase-protected key or a CSR, the CA operators' approval, downloads, revocation,
/// renewal and the forgotten-passphrase replacement.
struct CertificateController: RouteCollection {
    static let pageSize = 25
    /// A CSR file is at most 16 KB; the multipart form around it a little more.
    static let formLimit = 64 * 1024

    struct RequestForm: Content {
        var method: String?
        var passphrase: String?
        var passphraseConfirmation: String?
        var csrText: String?
        var csrFile: File?
    }

    struct NewPage: Encodable {
        let action: String
        let renewal: Bool
        let approvalRequired: Bool
        let method: String
        let csrText: String
        let errors: FormErrors
    }

    struct ListPage: Encodable {
        let rows: [CertificatePage.Row]
        let query: String
        let statuses: [SelectOption]
        let canRequest: Bool
        /// A CA operator sees a check box on each pending request and "approve selected".
        let canApprove: Bool
        let problem: String?
        let pagination: Pagination
    }

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignedInMiddleware())
        let certificates = signedIn.grouped("certificates")
        certificates.get(use: list)
        let holders = certificates.grouped(RequirePermissionMiddleware { Permissions.canRequestCertificate(actor: $0) })
        holders.get("new", use: showNew)
        let submit = holders.on(.POST, "new", body: .collect(maxSize: ByteCount(value: Self.formLimit)), use: submitNew)
        submit.userInfo[CSRFMiddleware.bodyLimitKey] = Self.formLimit
        certificates.get(":certificateID", use: detail)
        certificates.get(":certificateID", "download", ":file", use: download)
        let approveSelected = certificates.on(.POST, "approve", body: .collect(maxSize: ByteCount(value: Self.formLimit)),
                                              use: approveSelected)
        approveSelected.userInfo[CSRFMiddleware.bodyLimitKey] = Self.formLimit
        certificates.post(":certificateID", "approve", use: approve)
        certificates.post(":certificateID", "reject", use: reject)
        certificates.post(":certificateID", "revoke", use: revoke)
        holders.get(":certificateID", "renew", use: showRenew)
        let renew = holders.on(.POST, ":certificateID", "renew", body: .collect(maxSize: ByteCount(value: Self.formLimit)), use: submitRenew)
        renew.userInfo[CSRFMiddleware.bodyLimitKey] = Self.formLimit
        holders.post(":certificateID", "replace", use: replace)
    }

    /// The certificates `user` may see.
    static func visible(to user: UserModel, on db: any Database) -> QueryBuilder<CertificateModel> {
        VisibilityScope.certificates(for: user.actor).certificates(on: db)
    }

    func load(_ req: Request) async throws -> (CertificateModel, UserModel) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("certificateID", as: UUID.self),
              let record = try await Self.visible(to: user, on: req.db).filter(\.$id == id).with(\.$holder).first(),
              Permissions.canViewCertificate(actor: user.actor, holderID: record.$holder.id, holderAgencyID: record.$agency.id) else {
            throw DomainError.notFound
        }
        return (record, user)
    }

    func service(_ req: Request) -> CertificateService {
        CertificateService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }

    // MARK: list

    @Sendable func list(req: Request) async throws -> Response {
        let text = String((req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        return try await renderList(req, text: text, status: req.query[String.self, at: "status"].flatMap(CertificateStatus.init(rawValue:)))
    }

    func renderList(_ req: Request, text: String, status: CertificateStatus?, problem: String? = nil,
                    httpStatus: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        var query = Self.visible(to: user, on: req.db).with(\.$holder)
        if let status { query = query.filter(\.$status == status) }
        if !text.isEmpty {
            let holders = try await UserModel.query(on: req.db).filter(\.$username == text).all().compactMap(\.id)
            query = query.group(.or) {
                $0.filter(\.$serialHex == text.lowercased()).filter(\.$subject ~~ text).filter(\.$email == text.lowercased())
                if !holders.isEmpty { $0.filter(\.$holder.$id ~~ holders) }
            }
        }
        let total = try await query.count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: Self.pageSize, total: total,
                                    baseQuery: ["q": text, "status": status?.rawValue ?? ""])
        let rows = try await query.sort(\.$requestedAt, .descending).range(pagination.offset..<(pagination.offset + Self.pageSize)).all()
        let statuses = [SelectOption(value: "", label: req.localized("certificate_all_statuses"), selected: status == nil)]
            + CertificateStatus.allCases.map {
                SelectOption(value: $0.rawValue, label: req.localized("certificate_status_\($0.rawValue)"), selected: $0 == status)
            }
        let actor = user.actor
        let selectable = rows.map { $0.status == .pending && Permissions.canDecideCertificate(actor: actor, holderID: $0.$holder.id) }
        return try await req.renderPage("certificates", titleKey: "certificates_title", page: ListPage(
            rows: zip(rows, selectable).map { CertificatePage.row($0, req, selectable: $1) }, query: text, statuses: statuses,
            canRequest: Permissions.canRequestCertificate(actor: actor), canApprove: selectable.contains(true), problem: problem,
            pagination: pagination), status: httpStatus)
    }

    struct SelectionForm: Content {
        /// `<certificate id>:<version the operator saw>` per checked request.
        var selected: [String]?
    }

    /// "Approve selected" in the queue: every checked request is approved and issued together, or none is.
    @Sendable func approveSelected(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard Permissions.canDecideCertificates(actor: user.actor) else { throw DomainError.forbidden }
        let form = try req.content.decode(SelectionForm.self)
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

    // MARK: request and renewal

    @Sendable func showNew(req: Request) async throws -> Response {
        try await renderNew(req, action: "/certificates/new", renewal: false, form: RequestForm(), errors: FormErrors(), status: .ok)
    }

    @Sendable func showRenew(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        guard Permissions.canRenewCertificate(actor: user.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        return try await renderNew(req, action: "/certificates/\(record.id!.uuidString)/renew", renewal: true, form: RequestForm(),
                                   errors: FormErrors(), status: .ok)
    }

    func renderNew(_ req: Request, action: String, renewal: Bool, form: RequestForm, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        try await req.renderPage("certificate-new", titleKey: renewal ? "certificate_renew_title" : "certificate_new_title", page: NewPage(
            action: action, renewal: renewal, approvalRequired: req.ams.configuration.certificates.approvalRequired,
            method: form.method == "csr" ? "csr" : "generated", csrText: String((form.csrText ?? "").prefix(CSRInspector.maximumSize)),
            errors: errors), status: status)
    }

    static func keySource(_ form: RequestForm) -> CertificateService.KeySource? {
        if form.method == "csr" {
            if let file = form.csrFile, file.data.readableBytes > 0 { return .csr(Array(file.data.readableBytesView)) }
            let text = form.csrText ?? ""
            return text.isEmpty ? nil : .csr(Array(text.utf8))
        }
        return .passphrase(form.passphrase ?? "", confirmation: form.passphraseConfirmation ?? "")
    }

    @Sendable func submitNew(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(RequestForm.self)
        return try await submit(req, form: form, action: "/certificates/new", renewal: false) {
            try await service(req).request(holder: user, source: $0, context: req.auditContext)
        }
    }

    @Sendable func submitRenew(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(RequestForm.self)
        return try await submit(req, form: form, action: "/certificates/\(record.id!.uuidString)/renew", renewal: true) {
            try await service(req).renew(record, holder: user, source: $0, context: req.auditContext)
        }
    }

    private func submit(_ req: Request, form: RequestForm, action: String, renewal: Bool,
                        _ perform: (CertificateService.KeySource) async throws -> CertificateModel) async throws -> Response {
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

    // MARK: detail and downloads

    @Sendable func detail(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        return try await req.renderPage("certificate", titleKey: "certificate_title", page: CertificatePage.make(record, for: user, req))
    }

    @Sendable func download(req: Request) async throws -> Response {
        let (record, _) = try await load(req)
        guard let der = record.certificateDER else { throw DomainError.notFound }
        let loaded = try await req.ams.caKeys.current(on: req.db)
        let name = "ams-\(record.serialHex ?? "certificate")"
        let (body, type, filename): ([UInt8], String, String)
        switch req.parameters.get("file") {
        case "certificate.pem": (body, type, filename) = (Array(PEM.encode(Array(der), label: "CERTIFICATE").utf8), "application/x-pem-file", "\(name).pem")
        case "certificate.der": (body, type, filename) = (Array(der), "application/pkix-cert", "\(name).cer")
        case "chain.pem":
            let chain = [Array(der), loaded.issuing.der, loaded.root.der].map { PEM.encode($0, label: "CERTIFICATE") }.joined()
            (body, type, filename) = (Array(chain.utf8), "application/x-pem-file", "\(name)-chain.pem")
        case "chain.p7b":
            (body, type, filename) = (try PKCS7CertificateBundle.der(certificates: [Array(der), loaded.issuing.der, loaded.root.der]),
                                      "application/pkcs7-mime", "\(name).p7b")
        default: throw DomainError.notFound
        }
        let response = Response(status: .ok, body: .init(data: Data(body)))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }

    // MARK: decisions and revocation

    struct DecisionForm: Content {
        var version: Int?
        var note: String?
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(DecisionForm.self)
        return try await act(req, record, user) {
            _ = try await service(req).approve(record, expectedVersion: form.version ?? -1, by: user, context: req.auditContext)
            return "certificate_issued"
        }
    }

    @Sendable func reject(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(DecisionForm.self)
        return try await act(req, record, user) {
            try await service(req).reject(record, expectedVersion: form.version ?? -1, note: form.note ?? "", by: user, context: req.auditContext)
            return "certificate_rejected"
        }
    }

    struct RevokeForm: Content {
        var reason: String?
        var invalidityDate: String?
        var password: String?
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(RevokeForm.self)
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
        if user.id == record.$holder.id, !(try await reauthenticate(req, user, password: form.password)) {
            return try await renderDetail(req, record, user, errors: req.formErrors(["password": "error_reauth_failed"]))
        }
        return try await act(req, record, user) {
            try await service(req).revoke(record, reason: reason, invalidityDate: invalidity, actor: user.actor, revokerUserID: user.id,
                                          context: req.auditContext)
            return "certificate_revoked"
        }
    }

    struct ReplaceForm: Content {
        var password: String?
        var passphrase: String?
        var passphraseConfirmation: String?
    }

    @Sendable func replace(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        let form = try req.content.decode(ReplaceForm.self)
        guard try await reauthenticate(req, user, password: form.password) else {
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

    /// Runs a decision or revocation; domain refusals come back on the page, a lost race as "reload".
    private func act(_ req: Request, _ record: CertificateModel, _ user: UserModel, _ perform: () async throws -> String) async throws -> Response {
        do {
            let notice = try await perform()
            return req.redirect(to: "/certificates/\(record.id!.uuidString)?notice=\(notice)")
        } catch let invalid as ValidationError {
            return try await renderDetail(req, record, user, errors: req.formErrors(invalid))
        } catch let error as DomainError where ![DomainError.forbidden, .notFound].contains(error) {
            return try await renderDetail(req, record, user, problem: req.errorMessage(error), status: ErrorMapping(error).status)
        }
    }

    private func renderDetail(_ req: Request, _ record: CertificateModel, _ user: UserModel, errors: FormErrors = FormErrors(),
                              problem: String? = nil, status: HTTPStatus = .unprocessableEntity) async throws -> Response {
        let fresh = try await Self.visible(to: user, on: req.db).filter(\.$id == record.id!).with(\.$holder).first() ?? record
        return try await req.renderPage("certificate", titleKey: "certificate_title",
                                        page: CertificatePage.make(fresh, for: user, req, errors: errors, problem: problem), status: status)
    }

    /// The holder confirms with their password before revoking or replacing (a left-open session is not enough).
    private func reauthenticate(_ req: Request, _ user: UserModel, password: String?) async throws -> Bool {
        if let password, !password.isEmpty, try await req.ams.passwordHashing.verify(password, against: user.passwordHash) { return true }
        try await req.ams.audit.appendAlone(.reauthenticationFailed, outcome: .failure, context: req.auditContext,
                                            targetType: "user", targetID: user.id!.uuidString, on: req.db)
        return false
    }

    /// `YYYY-MM-DD` as midnight UTC.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10, CalendarDate.isValid(day: parts[2], month: parts[1], year: parts[0]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
