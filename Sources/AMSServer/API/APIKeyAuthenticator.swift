import AMSCore
import Fluent
import Vapor

/// Authenticates `/api/v1` calls by `Authorization: Bearer ams_…`; answers 401 JSON otherwise. No cookies are
/// read on these routes, so they need no CSRF token.
struct APIKeyAuthenticator: AsyncMiddleware {
    private struct ClientKey: StorageKey { typealias Value = APIKeyModel }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization?.token, bearer.hasPrefix(APIKeyModel.clearPrefix),
              SecureToken.isWellFormed(String(bearer.dropFirst(APIKeyModel.clearPrefix.count))),
              let key = try await APIKeyModel.query(on: request.db).filter(\.$keyHash == TokenDigest.hex(bearer))
                .filter(\.$revokedAt == nil).first()
        else {
            throw DomainError(.unauthenticated, "missing, unknown or revoked API key")
        }
        key.lastUsedAt = request.ams.clock.now
        try await key.update(on: request.db)
        request.storage[ClientKey.self] = key
        return try await next.respond(to: request)
    }

    static func client(_ request: Request) throws -> APIKeyModel {
        guard let key = request.storage[ClientKey.self] else { throw DomainError(.unauthenticated, "no API key") }
        return key
    }
}
