import AMSCore
import Vapor

/// The installation's own logo (``Branding``), at `/brand/logo`: public and cacheable.
struct BrandController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("brand", "logo", use: logo)
    }

    @Sendable func logo(req: Request) async throws -> Response {
        guard let logo = req.ams.configuration.branding.logo else { throw DomainError.notFound }
        let response = Response(status: .ok, body: .init(data: Data(logo.bytes)))
        response.headers.replaceOrAdd(name: .contentType, value: logo.contentType)
        // (the site's CSP, without inline script, also covers an SVG opened by itself)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}
