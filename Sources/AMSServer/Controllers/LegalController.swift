import Vapor

/// The subscriber agreement and the privacy notice the applicant accepts at activation (SOP step 3b).
struct LegalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("legal", "subscriber-agreement", use: agreement)
        routes.get("legal", "privacy", use: privacy)
    }

    @Sendable func agreement(req: Request) async throws -> Response {
        try await render(req, key: "legal_agreement", count: 5)
    }

    @Sendable func privacy(req: Request) async throws -> Response {
        try await render(req, key: "legal_privacy", count: 5)
    }

    private func render(_ req: Request, key: String, count: Int) async throws -> Response {
        let page = LegalPage(heading: req.localized("\(key)_title"), paragraphs: (1...count).map { req.localized("\(key)_\($0)") })
        return try await req.renderPage("legal", titleKey: "\(key)_title", page: page)
    }
}
