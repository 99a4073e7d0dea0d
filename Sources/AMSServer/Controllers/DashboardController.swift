import AMSCore
import Fluent
import Vapor

/// The role-specific landing page after sign-in (SOP step 6's "AMS dashboard").
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: root)
        routes.grouped(RequireSignedInMiddleware()).get("dashboard", use: dashboard)
    }

    /// Operators: how many requests wait for them and how many are overdue. Holders: "request a certificate" until
    /// they have one, then their certificates.
    private func nextStep(for user: UserModel, _ req: Request) async throws -> NextStep? {
        switch user.role {
        case .agencyOperator, .caOperator:
            let counts = try await OperatorWorkload(standards: req.ams.configuration.timeStandards, database: req.db)
                .counts(for: user, now: req.ams.clock.now)
            let (waiting, overdue) = (counts.figure(counts.waiting), counts.figure(counts.overdue))
            return NextStep(title: req.localized("queue_mine", ["count": waiting]),
                            body: counts.waiting == 0 ? req.localized("dashboard_nothing_waiting")
                                : req.localized("dashboard_waiting_body", ["count": waiting, "overdue": overdue]),
                            href: "/requests", label: req.localized("dashboard_open_queue"), urgent: counts.overdue > 0)
        case .applicant:
            let active = try await CertificateModel.query(on: req.db).filter(\.$holder.$id == user.id!)
                .filter(\.$status ~~ [.awaitingHolder, .pending, .issuing, .issued]).count()
            return active == 0
                ? NextStep(title: req.localized("dashboard_request_certificate_title"), body: req.localized("dashboard_request_certificate_body"),
                           href: "/certificates/new", label: req.localized("dashboard_request_certificate"), urgent: false)
                : NextStep(title: req.localized("dashboard_your_certificates_title"), body: req.localized("dashboard_your_certificates_body"),
                           href: "/certificates", label: req.localized("dashboard_your_certificates"), urgent: false)
        default:
            return nil
        }
    }

    @Sendable func root(req: Request) async throws -> Response {
        req.redirect(to: req.signedInUser == nil ? "/login" : "/dashboard")
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let agency = try await user.$agency.get(on: req.db)
        let tiles = Navigation.destinations(for: user.actor).filter(\.isTile).map { Tile(href: $0.href, label: req.localized($0.labelKey)) }
        let page = DashboardPage(
            welcome: req.localized("dashboard_welcome", ["name": user.fullName]),
            roleBody: req.localized("dashboard_\(user.role.rawValue)_body"), username: user.username, email: user.email,
            roleLabel: req.localized("role_\(user.role.rawValue)"), agencyName: agency?.name,
            passwordChangedAt: user.passwordChangedAt.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) }, tiles: tiles,
            nextStep: try await nextStep(for: user, req))
        return try await req.renderPage("dashboard", titleKey: "dashboard_title", page: page)
    }
}
