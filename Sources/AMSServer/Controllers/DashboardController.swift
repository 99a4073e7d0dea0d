import AMSCore
import Fluent
import Vapor

/// The role-specific landing page after sign-in (SOP step 6's "AMS dashboard").
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: root)
        routes.grouped(RequireSignedInMiddleware()).get("dashboard", use: dashboard)
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
            passwordChangedAt: user.passwordChangedAt.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) }, tiles: tiles)
        return try await req.renderPage("dashboard", titleKey: "dashboard_title", page: page)
    }
}
