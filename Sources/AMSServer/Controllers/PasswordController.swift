import AMSCore
import Vapor

/// Changing a password (SOP step 7) and resetting a forgotten one.
struct PasswordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignedInMiddleware())
        signedIn.get("password", "change", use: showChange)
        signedIn.post("password", "change", use: change)
        routes.get("password", "forgot", use: showForgot)
        routes.post("password", "forgot", use: forgot)
        routes.get("password", "reset", ":token", use: showReset)
        routes.post("password", "reset", ":token", use: reset)
    }

    @Sendable func showChange(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.renderPage("password-change", titleKey: "password_change_title",
                                        page: ChangePage(isInitial: user.passwordIsInitial, errors: FormErrors()))
    }

    @Sendable func change(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(ChangeForm.self)
        var errors = FormErrors()
        do {
            let session = try await AccountService(services: req.ams, database: req.db).changePassword(
                user: user, current: form.currentPassword.clipped(FieldLimit.secret),
                new: form.newPassword.clipped(FieldLimit.secret), confirmation: form.confirmPassword.clipped(FieldLimit.secret),
                userAgent: req.headers.first(name: .userAgent) ?? "", context: req.auditContext)
            // the session id changes with the password
            let response = req.redirect(to: "/dashboard?notice=password_changed")
            response.cookies[Cookies.session] = Cookies.make(session, secure: req.ams.configuration.cookieSecure, maxAge: nil)
            return response
        } catch let error as DomainError where error == .wrongCurrentPassword {
            errors.fields["currentPassword"] = req.localized("error_wrong_current_password")
        } catch let rejected as AccountService.PasswordRejected {
            errors = Self.errors(for: rejected.violations, on: req)
        }
        errors.summary = req.localized("error_form_has_errors")
        return try await req.renderPage("password-change", titleKey: "password_change_title",
                                        page: ChangePage(isInitial: user.passwordIsInitial, errors: errors), status: .unprocessableEntity)
    }

    static func errors(for violations: [PasswordViolation], on req: Request) -> FormErrors {
        var errors = FormErrors()
        let forConfirmation = violations.filter { $0 == .mismatch }
        let forNew = violations.filter { $0 != .mismatch }
        if !forNew.isEmpty { errors.fields["newPassword"] = forNew.map { req.localized("violation_\($0.rawValue)") }.joined(separator: " ") }
        if !forConfirmation.isEmpty { errors.fields["confirmPassword"] = req.localized("violation_mismatch") }
        return errors
    }

    @Sendable func showForgot(req: Request) async throws -> Response {
        try await req.renderPage("password-forgot", titleKey: "password_forgot_title", page: ForgotPage(errors: FormErrors()))
    }

    @Sendable func forgot(req: Request) async throws -> Response {
        let form = try req.content.decode(ForgotForm.self)
        let identifier = (form.identifier ?? "").trimmingCharacters(in: .whitespaces)
        guard !identifier.isEmpty else {
            return try await req.renderPage("password-forgot", titleKey: "password_forgot_title",
                                            page: ForgotPage(errors: FormErrors(fields: ["identifier": req.localized("error_required")])),
                                            status: .unprocessableEntity)
        }
        try await AccountService(services: req.ams, database: req.db).requestPasswordReset(identifier: identifier, context: req.auditContext)
        return req.redirect(to: "/login?notice=reset_sent")
    }

    @Sendable func showReset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let user = try await AccountService(services: req.ams, database: req.db).userForResetToken(token)
        return try await req.renderPage("password-reset", titleKey: "password_reset_title",
                                        page: ResetPage(valid: user != nil, action: req.url.path, errors: FormErrors()),
                                        status: user == nil ? .notFound : .ok)
    }

    @Sendable func reset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let form = try req.content.decode(ResetForm.self)
        do {
            try await AccountService(services: req.ams, database: req.db).resetPassword(
                token: token, new: form.newPassword.clipped(FieldLimit.secret),
                confirmation: form.confirmPassword.clipped(FieldLimit.secret), context: req.auditContext)
            return req.redirect(to: "/login?notice=password_reset")
        } catch let error as DomainError where error == .tokenInvalid {
            return try await req.renderPage("password-reset", titleKey: "password_reset_title",
                                            page: ResetPage(valid: false, action: req.url.path, errors: FormErrors()), status: .notFound)
        } catch let rejected as AccountService.PasswordRejected {
            var errors = Self.errors(for: rejected.violations, on: req)
            errors.summary = req.localized("error_form_has_errors")
            return try await req.renderPage("password-reset", titleKey: "password_reset_title",
                                            page: ResetPage(valid: true, action: req.url.path, errors: errors), status: .unprocessableEntity)
        }
    }
}
