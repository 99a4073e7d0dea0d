import Vapor

/// Security headers on every response, errors included.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let hsts: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        apply(to: response, path: request.url.path)
        return response
    }

    /// Sets the headers on `response` to the request for `path` (also used by answers made before the chain).
    func apply(to response: Response, path: String) {
        var headers = response.headers
        for (name, value) in Self.headers { headers.set(name, value) }
        if hsts { headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        // Static assets and the public PKI files (CRLs, CA certificates, OCSP) set their own caching.
        if !["/css/", "/img/", "/js/", "/brand/", "/pki/"].contains(where: path.hasPrefix) {
            headers.set("Cache-Control", "no-store")
        }
        response.headers = headers
    }

    private static let headers = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
}
