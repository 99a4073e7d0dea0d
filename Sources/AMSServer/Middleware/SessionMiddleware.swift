import AMSCore
import Fluent
import Vapor

/// Resolves the session cookie to a signed-in user, enforcing the idle and absolute timeouts, and gives
/// signed-out browsers a pre-session cookie to bind their CSRF tokens to.
struct SessionMiddleware: AsyncMiddleware {
    private struct ExpiredKey: StorageKey { typealias Value = Bool }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // CRLs, CA certificates and OCSP are public and sessionless: no cookie read, none set.
        if request.url.path.hasPrefix("/pki/") { return try await next.respond(to: request) }
        let services = request.ams
        let secure = services.configuration.cookieSecure
        var clearSessionCookie = false
        if let token = request.cookies[Cookies.session]?.string {
            clearSessionCookie = true
            if SecureToken.isWellFormed(token),
               let session = try await SessionModel.query(on: request.db)
                .filter(\.$tokenHash == TokenDigest.hex(token)).with(\.$user).first() {
                let now = services.clock.now
                switch services.configuration.sessionPolicy.verdict(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now) {
                case .active(let needsTouch) where session.user.isActive:
                    request.signedInUser = session.user
                    request.currentSession = session
                    request.sessionToken = token
                    clearSessionCookie = false
                    if needsTouch {
                        session.lastSeenAt = now
                        try await session.update(on: request.db)
                    }
                case .active:
                    try await session.delete(on: request.db)
                case .idleExpired, .absoluteExpired:
                    let kind = session.createdAt.addingTimeInterval(services.configuration.sessionPolicy.absoluteTimeout) <= now ? "absolute" : "idle"
                    let user = session.user
                    try await WriteTransaction.run(on: request.db) { db in
                        try await SessionModel.query(on: db).filter(\.$id == session.id!).delete()
                        try await services.audit.append(.sessionExpired, context: request.auditContext.actingAs(user),
                                                        targetType: "user", targetID: user.id!.uuidString,
                                                        details: ["timeout": kind], on: db)
                    }
                    request.storage[ExpiredKey.self] = true
                }
            }
        }
        var newPreSession: String?
        if request.signedInUser == nil {
            if let pre = request.cookies[Cookies.preSession]?.string, SecureToken.isWellFormed(pre) {
                request.preSessionToken = pre
            } else {
                let pre = services.newToken().value
                request.preSessionToken = pre
                newPreSession = pre
            }
        }
        let response = try await next.respond(to: request)
        if let newPreSession, response.cookies[Cookies.preSession] == nil, response.cookies[Cookies.session] == nil {
            response.cookies[Cookies.preSession] = Cookies.make(newPreSession, secure: secure, maxAge: nil)
        }
        if clearSessionCookie, response.cookies[Cookies.session] == nil {
            response.cookies[Cookies.session] = Cookies.expired(secure: secure)
        }
        return response
    }

    static func sessionJustExpired(_ request: Request) -> Bool { request.storage[ExpiredKey.self] ?? false }
}
