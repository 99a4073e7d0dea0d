import Vapor

/// Picks the interface language: the `ams_lang` cookie, else Bahasa Indonesia.
struct LocaleMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let raw = request.cookies[Cookies.language]?.string, let locale = AppLocale(rawValue: raw) {
            request.locale = locale
        }
        return try await next.respond(to: request)
    }
}
