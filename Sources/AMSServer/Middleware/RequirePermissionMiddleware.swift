import AMSCore
import Vapor

/// Lets a signed-in user through only if the permission question answers yes; otherwise records the refusal
/// and answers 403.
struct RequirePermissionMiddleware: AsyncMiddleware {
    let allows: @Sendable (Actor) -> Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let user = try request.requireUser()
        guard allows(user.actor) else {
            try await request.ams.audit.appendAlone(.accessDenied, outcome: .denied, context: request.auditContext,
                                                    targetType: "route", targetID: request.routePattern, on: request.db)
            throw DomainError.forbidden
        }
        return try await next.respond(to: request)
    }
}
