import AMSCore
import AMSPKI
import Fluent
import Vapor

/// "Aplikasi autentikator" on the profile: a holder enrols an authenticator app (scans a QR code, confirms with the
/// first code, receives ten recovery codes shown once) as the second factor for signing, or removes it with their
/// password.
struct AuthenticatorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let holders = routes.grouped("profile", "authenticator")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canRequestCertificate(actor: $0) })
        holders.get(use: show)
        holders.post("start", use: start)
        holders.post("confirm", use: confirm)
        holders.post("remove", use: remove)
    }

    func service(_ req: Request) -> AuthenticatorService {
        AuthenticatorService(services: req.ams, database: req.db)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        return try await render(req, enrolment: try await service(req).pending(for: holder), errors: FormErrors())
    }

    func render(_ req: Request, enrolment: AuthenticatorService.Enrolment?, recoveryCodes: [String] = [], errors: FormErrors,
                status: HTTPStatus = .ok) async throws -> Response {
        let holder = try req.requireUser()
        let enrolled = try await service(req).isEnrolled(holder)
        let left = enrolled ? try await RecoveryCodeModel.query(on: req.db).filter(\.$user.$id == holder.id!).filter(\.$usedAt == nil).count() : 0
        return try await req.renderPage("authenticator", titleKey: "authenticator_title", page: AuthenticatorPage(
            enrolled: enrolled, recoveryCodesLeft: req.localized("authenticator_codes_left", ["count": String(left)]),
            pending: enrolment.map { AuthenticatorPage.Pending(secret: $0.secretText, qrImage: try Self.qrImage($0.uri)) },
            recoveryCodes: recoveryCodes, errors: errors), status: status)
    }

    @Sendable func start(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        guard try await !service(req).isEnrolled(holder) else { return req.redirect(to: "/profile/authenticator") }
        return try await render(req, enrolment: try await service(req).begin(for: holder), errors: FormErrors())
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        let form = try req.content.decode(ConfirmForm.self)
        guard let pending = try await service(req).pending(for: holder) else { return req.redirect(to: "/profile/authenticator") }
        do {
            let codes = try await service(req).confirm(holder, code: form.code.clipped(16), context: req.auditContext)
            return try await render(req, enrolment: nil, recoveryCodes: codes, errors: FormErrors())
        } catch let invalid as ValidationError {
            return try await render(req, enrolment: pending, errors: req.formErrors(invalid), status: .unprocessableEntity)
        }
    }

    @Sendable func remove(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        let form = try req.content.decode(RemoveForm.self)
        guard try await AccountService(services: req.ams, database: req.db)
            .verifyPassword(form.password.clipped(FieldLimit.secret), of: holder, purpose: "authenticator_remove", context: req.auditContext) else {
            var errors = FormErrors()
            errors.fields["password"] = req.localized("error_wrong_current_password")
            return try await render(req, enrolment: nil, errors: errors, status: .unprocessableEntity)
        }
        try await service(req).remove(holder, context: req.auditContext)
        return req.redirect(to: "/profile/authenticator?notice=authenticator_removed")
    }

    /// The enrolment QR code as an SVG data URL (the page's content policy allows `data:` images).
    static func qrImage(_ uri: String) throws -> String {
        let code = try QRCode(Array(uri.utf8))
        let quiet = 4, side = code.size + 2 * quiet
        var path = ""
        for (row, modules) in code.modules.enumerated() {
            for (column, dark) in modules.enumerated() where dark { path += "M\(column + quiet) \(row + quiet)h1v1h-1z" }
        }
        let svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(side) \(side)' shape-rendering='crispEdges'>"
            + "<rect width='\(side)' height='\(side)' fill='#fff'/><path d='\(path)' fill='#000'/></svg>"
        return "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
    }
}
