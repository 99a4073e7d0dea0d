import AMSCore
import Vapor

/// Refuses every state-changing request whose CSRF token (form field `_csrf` or header `X-CSRF-Token`) does not
/// match this browser's binding.
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The JSON API authenticates with bearer keys, never with cookies: a forged cross-site request carries no key.
        // The public PKI endpoints (OCSP) change nothing and know no session.
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method), !request.url.path.hasPrefix("/api/"),
              !request.url.path.hasPrefix("/pki/") else {
            return try await next.respond(to: request)
        }
        // A streamed body (an upload) was read by BodyReadGuardMiddleware, up to the route's own limit.
        let candidate = request.headers.first(name: "X-CSRF-Token")
            ?? (try? request.content.get(String.self, at: Self.fieldName))
        guard request.ams.csrf.isValid(candidate, binding: request.csrfBinding) else {
            try await request.ams.audit.appendAlone(.csrfRejected, outcome: .denied, context: request.auditContext,
                                                    targetType: "route", targetID: request.routePattern,
                                                    details: ["reason": candidate == nil ? "missing" : "mismatch"], on: request.db)
            throw DomainError.csrfFailed
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The matched route as a pattern (`/password/reset/:token`), safe to log.
    var routePattern: String {
        route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(unmatched)"
    }
}
