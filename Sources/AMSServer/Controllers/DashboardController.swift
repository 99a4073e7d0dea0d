import AMSCore
import Fluent
import Vapor

/// The role-specific landing page after sign-in (SOP step 6's "AMS dashboard").
struct DashboardController: RouteCollection {
    struct Tile: Encodable {
        let href: String
        let label: String
    }

    struct DashboardPage: Encodable {
        let welcome: String
        let roleBody: String
        let username: String
        let email: String
        let roleLabel: String
        let agencyName: String?
        let passwordChangedAt: String?
        let tiles: [Tile]
    }

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
        let actor = user.actor
        var tiles: [Tile] = []
        if [.agencyOperator, .caOperator].contains(actor.role) { tiles.append(Tile(href: "/requests", label: req.localized("nav_requests"))) }
        if Permissions.canManageAgencies(actor: actor) { tiles.append(Tile(href: "/admin/agencies", label: req.localized("nav_agencies"))) }
        if Permissions.canManageAccounts(actor: actor) { tiles.append(Tile(href: "/admin/users", label: req.localized("nav_users"))) }
        if Permissions.canReadOutbox(actor: actor) { tiles.append(Tile(href: "/admin/outbox", label: req.localized("nav_outbox"))) }
        if Permissions.canReadAuditLog(actor: actor) { tiles.append(Tile(href: "/audit", label: req.localized("nav_audit"))) }
        let page = DashboardPage(
            welcome: req.localized("dashboard_welcome", ["name": user.fullName]),
            roleBody: req.localized("dashboard_\(user.role.rawValue)_body"), username: user.username, email: user.email,
            roleLabel: req.localized("role_\(user.role.rawValue)"), agencyName: agency?.name,
            passwordChangedAt: user.passwordChangedAt.map(DisplayFormat.timestamp), tiles: tiles)
        return try await req.renderPage("dashboard", titleKey: "dashboard_title", page: page)
    }
}
