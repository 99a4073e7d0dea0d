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
        var errors = FormErrors()
        let name = PersonName(form.fullName ?? "")
        if name == nil { errors.fields["fullName"] = req.localized("error_invalid_name") }
        let position = RegistrationService.plainText(form.position ?? "", range: 2...200)
        if position == nil { errors.fields["position"] = req.localized("error_invalid_text") }
        let email = EmailAddress(form.email ?? "")
        if email == nil { errors.fields["email"] = req.localized("error_invalid_email") }
        if let email, let agencyID = user.$agency.id {
            let domains = try await AgencyDomainModel.query(on: req.db).filter(\.$agency.$id == agencyID).all().compactMap { EmailDomain($0.domain) }
            if !domains.contains(where: { email.belongs(to: $0) }) { errors.fields["email"] = req.localized("error_email_domain_not_in_agency") }
        }
        if let email, email.value != user.email, try await UserModel.query(on: req.db).filter(\.$email == email.value).count() > 0 {
            errors.fields["email"] = req.localized("error_duplicate_email")
        }
        guard errors.isEmpty, let name, let position, let email else {
            errors.summary = req.localized("error_form_has_errors")
            return try await req.renderPage("profile", titleKey: "profile_title", page: ProfilePage(
                form: ["fullName": LogSafe.field(form.fullName ?? "", limit: 128), "position": LogSafe.field(form.position ?? "", limit: 200),
                       "email": LogSafe.field(form.email ?? "", limit: 254)],
                pending: user.reverificationRequired, errors: errors), status: .unprocessableEntity)
        }
        let before = user.identity
        let after = IdentityFields(fullName: name.value, position: position, agencyID: user.$agency.id, email: email.value)
        guard IdentityPolicy.changeRequiresReverification(from: before, to: after) else {
            return req.redirect(to: "/profile")
        }
        let context = req.auditContext
        let now = req.ams.clock.now
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            user.fullName = after.fullName
            user.position = after.position
            user.email = after.email
            user.reverificationRequired = true
            user.updatedAt = now
            try await user.update(on: db)
            try await services.audit.append(.identityChanged, context: context, targetType: "user", targetID: user.id!.uuidString,
                                            details: ["from": "\(before.fullName) | \(before.position) | \(before.email)",
                                                      "to": "\(after.fullName) | \(after.position) | \(after.email)"], on: db)
        }
        return req.redirect(to: "/profile?notice=identity_changed")
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try req.requireUser().operatorActor
        let holders = try await UserModel.query(on: req.db).filter(\.$reverificationRequired == true).with(\.$agency).sort(\.$updatedAt).all()
            .filter { Permissions.canReverify(actor: actor, holderID: $0.id!, holderAgencyID: $0.$agency.id) }
        return try await req.renderPage("reverifications", titleKey: "reverify_title", page: ReverifyPage(holders: holders.map {
            HolderRow(id: $0.id!.uuidString, username: $0.username, fullName: $0.fullName, position: $0.position ?? "", email: $0.email,
                      agency: $0.agency?.name ?? "")
        }))
    }

    @Sendable func reverify(req: Request) async throws -> Response {
        let actor = try req.requireUser().operatorActor
        guard let id = req.parameters.get("userID", as: UUID.self), let holder = try await UserModel.find(id, on: req.db),
              holder.reverificationRequired else { throw DomainError.notFound }
        guard Permissions.canReverify(actor: actor, holderID: holder.id!, holderAgencyID: holder.$agency.id) else { throw DomainError.forbidden }
        let context = req.auditContext
        let now = req.ams.clock.now
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            holder.reverificationRequired = false
            holder.identityVerifiedAt = now
            try await holder.update(on: db)
            try await services.audit.append(.identityReverified, context: context, targetType: "user", targetID: holder.id!.uuidString,
                                            details: ["username": holder.username], on: db)
        }
        return req.redirect(to: "/reverifications?notice=identity_reverified")
    }
}
