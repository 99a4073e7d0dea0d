import AMSCore
import Vapor

/// Sign-in (SOP step 6), sign-out and the language switch.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: showSignIn)
        routes.post("login", use: signIn)
        routes.grouped(RequireSignedInMiddleware()).post("logout", use: signOut)
        routes.get("lang", ":code", use: switchLanguage)
    }

    @Sendable func showSignIn(req: Request) async throws -> Response {
        if req.signedInUser != nil { return req.redirect(to: "/dashboard") }
        let next = SafeRedirect.localPath(req.query[String.self, at: "next"]) ?? ""
        return try await req.renderPage("login", titleKey: "login_title",
                                        page: SignInPage(username: "", next: next, errors: FormErrors()))
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let username = form.username.clipped(FieldLimit.username)
        let next = SafeRedirect.localPath(form.next) ?? ""
        func fail(_ message: String, status: HTTPStatus) async throws -> Response {
            try await req.renderPage("login", titleKey: "login_title",
                                     page: SignInPage(username: LogSafe.field(username, limit: 128), next: next,
                                                      errors: FormErrors(summary: message)), status: status)
        }
        guard !username.isEmpty, let password = form.password, !password.isEmpty else {
            return try await fail(req.localized("error_invalid_credentials"), status: .badRequest)
        }
        let accounts = AccountService(services: req.ams, database: req.db)
        let signedIn: AccountService.SignedIn
        do {
            signedIn = try await accounts.signIn(username: username, password: String(password.prefix(FieldLimit.secret)),
                                                 userAgent: req.headers.first(name: .userAgent) ?? "", context: req.auditContext)
        } catch let throttled as AccountService.Throttled {
            let now = req.ams.clock.now
            switch throttled.decision {
            case .delayed(let until):
                let seconds = Self.wholeSeconds(until.timeIntervalSince(now))
                let response = try await fail(req.localized("error_throttled", ["seconds": String(seconds)]), status: .tooManyRequests)
                response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
                return response
            case .locked(let until):
                // nobody is signed in yet: the default zone, named
                let time = DisplayFormat.timestampSeconds(until, in: .default)
                let response = try await fail(req.localized("error_locked", ["time": time]), status: .tooManyRequests)
                response.headers.replaceOrAdd(name: .retryAfter, value: String(Self.wholeSeconds(until.timeIntervalSince(now))))
                return response
            case .allowed:
                throw Abort(.internalServerError)
            }
        } catch let error as DomainError {
            return try await fail(req.errorMessage(error), status: .unauthorized)
        }
        // A previous session this browser carried (if any) ends; the new one has a fresh id.
        if let old = req.sessionToken {
            try await SessionStore(services: req.ams).delete(token: old, on: req.db)
        }
        let target = signedIn.user.passwordIsInitial ? "/password/change" : (next.isEmpty ? "/dashboard" : next)
        let response = req.redirect(to: target, redirectType: .normal)
        let secure = req.ams.configuration.cookieSecure
        response.cookies[Cookies.session] = Cookies.make(signedIn.sessionToken, secure: secure, maxAge: nil)
        response.cookies[Cookies.preSession] = Cookies.expired(secure: secure)
        return response
    }

    /// Seconds to wait, rounded up, ignoring sub-millisecond noise from stored times; at least 1.
    static func wholeSeconds(_ interval: TimeInterval) -> Int {
        max(1, Int((interval - 0.001).rounded(.up)))
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        let user = try req.requireUser()
        if let token = req.sessionToken {
            try await AccountService(services: req.ams, database: req.db).signOut(user: user, sessionToken: token, context: req.auditContext)
        }
        let response = req.redirect(to: "/login?notice=signed_out")
        response.cookies[Cookies.session] = Cookies.expired(secure: req.ams.configuration.cookieSecure)
        return response
    }

    /// Sets the language cookie and returns to the page (a preference only; nothing is stored server-side).
    @Sendable func switchLanguage(req: Request) async throws -> Response {
        guard let code = req.parameters.get("code"), let locale = AppLocale(rawValue: code) else { throw Abort(.notFound) }
        let next = SafeRedirect.localPath(req.query[String.self, at: "next"]) ?? "/"
        let response = req.redirect(to: next)
        response.cookies[Cookies.language] = Cookies.make(locale.rawValue, secure: req.ams.configuration.cookieSecure,
                                                          maxAge: 365 * 24 * 3600)
        return response
    }
}
