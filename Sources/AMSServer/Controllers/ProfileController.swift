import AMSCore
import Fluent
import Vapor

/// Account holders keep their certificate data current (name, position, e-mail). A change of any of them needs an
/// operator's re-verification before the next certificate (the SOP's warning about stale certificate data).
struct ProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignedInMiddleware())
        let holders = signedIn.grouped(RequirePermissionMiddleware { Permissions.canEditOwnProfile(actor: $0) })
        holders.get("profile", use: show)
        holders.post("profile", use: update)
        routes.get("profile", "email", ":token", use: showEmailConfirmation)
        routes.post("profile", "email", ":token", use: confirmEmail)
        let operators = signedIn.grouped(RequirePermissionMiddleware { Permissions.canReadReverifications(actor: $0) })
        operators.get("reverifications", use: list)
        operators.post("reverifications", ":userID", use: reverify)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.renderPage("profile", titleKey: "profile_title", page: ProfilePage(
            form: ["fullName": user.fullName, "position": user.position ?? "", "email": user.email],
            pending: user.reverificationRequired, errors: FormErrors()))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(ProfileForm.self)
        do {
            let outcome = try await AccountService(services: req.ams, database: req.db).updateProfile(
                user, fullName: form.fullName.clipped(FieldLimit.personName), position: form.position.clipped(FieldLimit.position),
                email: form.email.clipped(FieldLimit.email), currentPassword: form.currentPassword.clipped(FieldLimit.secret),
                context: req.auditContext)
            if outcome.emailConfirmationSent { return req.redirect(to: "/profile?notice=email_change_sent") }
            return req.redirect(to: outcome.identityChanged ? "/profile?notice=identity_changed" : "/profile")
        } catch let invalid as ValidationError {
            return try await req.renderPage("profile", titleKey: "profile_title", page: ProfilePage(
                form: ["fullName": LogSafe.field(form.fullName ?? "", limit: 128), "position": LogSafe.field(form.position ?? "", limit: 200),
                       "email": LogSafe.field(form.email ?? "", limit: 254)],
                pending: user.reverificationRequired, errors: req.formErrors(invalid)), status: .unprocessableEntity)
        }
    }

    /// The link mailed to a new address: a page with one button (following a link changes nothing by itself).
    @Sendable func showEmailConfirmation(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let change = try await AccountService(services: req.ams, database: req.db).emailChange(forToken: token)
        return try await req.renderPage("email-confirm", titleKey: "email_confirm_title", page: EmailConfirmPage(
            valid: change != nil, newEmail: change?.newEmail ?? "", action: req.url.path, done: false),
            status: change == nil ? .notFound : .ok)
    }

    @Sendable func confirmEmail(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        do {
            try await AccountService(services: req.ams, database: req.db).confirmEmailChange(token: token, context: req.auditContext)
        } catch let error as DomainError where error == .tokenInvalid {
            return try await req.renderPage("email-confirm", titleKey: "email_confirm_title", page: EmailConfirmPage(
                valid: false, newEmail: "", action: "", done: false), status: .notFound)
        }
        return try await req.renderPage("email-confirm", titleKey: "email_confirm_title", page: EmailConfirmPage(
            valid: true, newEmail: "", action: "", done: true))
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try req.requireUser().operatorActor
        let holders = try await UserModel.query(on: req.db).filter(\.$reverificationRequired == true).with(\.$agency).sort(\.$updatedAt).all()
            .filter { Permissions.canReverify(actor: actor, holderID: $0.id!, holderAgencyID: $0.$agency.id) }
        return try await req.renderPage("reverifications", titleKey: "reverify_title", page: ReverifyPage(holders: holders.map {
            HolderRow(id: $0.id!.uuidString, username: $0.username, fullName: Self.change($0.verifiedFullName, $0.fullName),
                      position: Self.change($0.verifiedPosition, $0.position ?? ""), email: Self.change($0.verifiedEmail, $0.email),
                      agency: $0.agency?.name ?? "")
        }))
    }

    /// `old → new` where a verified value changed, else the value (`—` stands for a value never verified).
    static func change(_ verified: String?, _ current: String) -> String {
        verified == current ? current : "\(verified ?? "—") → \(current)"
    }

    @Sendable func reverify(req: Request) async throws -> Response {
        let actor = try req.requireUser().operatorActor
        guard let id = req.parameters.get("userID", as: UUID.self), let holder = try await UserModel.find(id, on: req.db),
              holder.reverificationRequired else { throw DomainError.notFound }
        guard Permissions.canReverify(actor: actor, holderID: holder.id!, holderAgencyID: holder.$agency.id) else { throw DomainError.forbidden }
        let context = req.auditContext
        let now = req.ams.clock.now
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            holder.markVerified(at: now)
            try await holder.update(on: db)
            try await services.audit.append(.identityReverified, context: context, targetType: "user", targetID: holder.id!.uuidString,
                                            details: ["username": holder.username], on: db)
        }
        return req.redirect(to: "/reverifications?notice=identity_reverified")
    }
}
