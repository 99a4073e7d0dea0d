import AMSCore
import AMSPKI
import Fluent
import Vapor
import X509

/// Institutions' electronic seals on the web: an agency operator asks for their agency's seal and keeps the list of the
/// agency's accounts that may seal (they receive the activation codes the national API asks for); a CA operator
/// approves (AMS makes and keeps the key, issues the certificate), refuses with a reason, or revokes. Administrators
/// and auditors read. Everything goes through ``SealService``.
struct SealController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let seals = routes.grouped("seals")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canReadSeals(actor: $0, sealAgencyID: nil) })
        seals.get(use: list)
        seals.post(use: request)
        seals.get(":sealID", use: show)
        seals.post(":sealID", "approve", use: approve)
        seals.post(":sealID", "reject", use: reject)
        seals.post(":sealID", "revoke", use: revoke)
        seals.post(":sealID", "sealers", use: addSealer)
        seals.post(":sealID", "sealers", ":userID", "remove", use: removeSealer)
    }

    struct RequestForm: Content {
        var name: String?
        var contactEmail: String?
    }

    struct RejectForm: Content {
        var note: String?
    }

    struct RevokeForm: Content {
        /// An RFC 5280 reason name (`keyCompromise`, `cessationOfOperation`, …); cessation of operation by default.
        var reason: String?
    }

    struct SealerForm: Content {
        var userID: UUID?
    }

    func service(_ req: Request) -> SealService {
        SealService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }

    func row(_ seal: SealModel, agency: AgencyModel, req: Request) -> Row {
        Row(id: seal.id!.uuidString, name: seal.name, agency: agency.name, idSubscriber: seal.idSubscriber, status: seal.status.rawValue,
            statusText: req.localized("seal_status_" + seal.status.rawValue),
            requestedAt: DisplayFormat.timestamp(seal.requestedAt, in: req.readerTimeZone))
    }

    func renderList(_ req: Request, form: [String: String] = [:], errors: FormErrors = FormErrors(), status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        var query = SealModel.query(on: req.db).with(\.$agency).sort(\.$requestedAt, .descending)
        if user.role == .agencyOperator { query = query.filter(\.$agency.$id == (user.$agency.id ?? UUID())) }
        let seals = try await query.limit(500).all()
        let agency = try await user.$agency.get(on: req.db)
        let canRequest = agency.map { Permissions.canManageSeal(actor: user.actor, agencyID: $0.id!) } ?? false
        return try await req.renderPage("seals", titleKey: "seals_title", page: ListPage(
            seals: seals.map { row($0, agency: $0.agency, req: req) }, canRequest: canRequest, defaultName: agency?.name ?? "",
            defaultEmail: user.email, form: form, errors: errors), status: status)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req)
    }

    @Sendable func request(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(RequestForm.self)
        guard let agency = try await user.$agency.get(on: req.db) else { throw DomainError.forbidden }
        do {
            let seal = try await service(req).request(agency: agency, name: form.name ?? "", contactEmail: form.contactEmail ?? "", by: user,
                                                      context: req.auditContext)
            return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_requested")
        } catch let invalid as ValidationError {
            return try await renderList(req, form: ["name": form.name.clipped(200), "contactEmail": form.contactEmail.clipped(200)],
                                        errors: req.formErrors(invalid), status: .unprocessableEntity)
        }
    }

    /// The seal at `:sealID` when the signed-in actor may see it (else not found, as for one that does not exist).
    func find(_ req: Request) async throws -> SealModel {
        let user = try req.requireUser()
        guard let id = req.parameters.get("sealID", as: UUID.self), let seal = try await SealModel.query(on: req.db).filter(\.$id == id)
            .with(\.$agency).first(), Permissions.canReadSeals(actor: user.actor, sealAgencyID: seal.$agency.id) else { throw DomainError.notFound }
        return seal
    }

    func renderDetail(_ req: Request, seal: SealModel, errors: FormErrors = FormErrors(), status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let sealers = try await SealSealerModel.query(on: req.db).filter(\.$seal.$id == seal.id!).with(\.$user).all().map(\.user)
        let canManage = Permissions.canManageSeal(actor: user.actor, agencyID: seal.$agency.id)
        let candidates = canManage
            ? try await UserModel.query(on: req.db).filter(\.$agency.$id == seal.$agency.id).sort(\.$fullName).limit(500).all()
                .filter { account in account.isActive && !sealers.contains { $0.id == account.id } }
            : []
        let certificate = seal.certificateDER.flatMap { try? Certificate(derEncoded: Array($0)) }
        let sealer = { (account: UserModel) in Sealer(id: account.id!.uuidString, name: account.fullName, email: account.email) }
        return try await req.renderPage("seal", titleKey: "seals_title", page: DetailPage(
            seal: row(seal, agency: seal.agency, req: req), contactEmail: seal.contactEmail, decisionNote: seal.decisionNote,
            serial: seal.serialHex, notAfter: seal.notAfter.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) },
            subject: certificate.map { String(describing: $0.subject) }, sealers: sealers.map(sealer), candidates: candidates.map(sealer),
            canManage: canManage, canDecide: Permissions.canDecideSeals(actor: user.actor),
            revocationReasons: [RevocationReason.cessationOfOperation, .keyCompromise, .affiliationChanged].map {
                Option(value: $0.name, label: req.localized("revocation_reason_\($0.name)"))
            }, errors: errors), status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderDetail(req, seal: try await find(req))
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let seal = try await find(req)
        try await service(req).approve(seal, by: try req.requireUser(), context: req.auditContext)
        return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_approved")
    }

    @Sendable func reject(req: Request) async throws -> Response {
        let seal = try await find(req)
        let form = try req.content.decode(RejectForm.self)
        do {
            try await service(req).reject(seal, note: form.note ?? "", by: try req.requireUser(), context: req.auditContext)
        } catch let invalid as ValidationError {
            return try await renderDetail(req, seal: seal, errors: req.formErrors(invalid), status: .unprocessableEntity)
        }
        return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_rejected")
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let seal = try await find(req)
        let named = (try? req.content.decode(RevokeForm.self))?.reason
        let reason = RevocationReason.allCases.first { $0.name == named } ?? .cessationOfOperation
        try await service(req).revoke(seal, reason: reason, by: try req.requireUser(), context: req.auditContext)
        return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_revoked")
    }

    @Sendable func addSealer(req: Request) async throws -> Response {
        let seal = try await find(req)
        guard Permissions.canManageSeal(actor: try req.requireUser().actor, agencyID: seal.$agency.id) else { throw DomainError.forbidden }
        let form = try req.content.decode(SealerForm.self)
        do {
            guard let id = form.userID, let account = try await UserModel.find(id, on: req.db) else {
                throw ValidationError(["userID": "error_seal_sealer_agency"])
            }
            try await service(req).addSealer(seal, user: account, by: try req.requireUser(), context: req.auditContext)
        } catch let invalid as ValidationError {
            return try await renderDetail(req, seal: seal, errors: req.formErrors(invalid), status: .unprocessableEntity)
        }
        return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_sealer_added")
    }

    @Sendable func removeSealer(req: Request) async throws -> Response {
        let seal = try await find(req)
        guard let userID = req.parameters.get("userID", as: UUID.self) else { throw DomainError.notFound }
        try await service(req).removeSealer(seal, userID: userID, by: try req.requireUser(), context: req.auditContext)
        return req.redirect(to: "/seals/\(seal.id!.uuidString)?notice=seal_sealer_removed")
    }
}
