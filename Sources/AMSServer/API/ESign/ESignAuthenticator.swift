import AMSCore
import Fluent
import SQLKit
import Vapor

/// Admits an agency application to the national e-signature API: HTTP Basic with the key's prefix as user name and
/// the key as password, the key neither revoked nor switched off (else 401), the client address on the key's list
/// (else 403), and within the key's calls per minute — counted in the database, so every instance counts the same
/// (else 429). Every call is audited with the application's name, the route and the answer's status.
struct ESignAuthenticator: AsyncMiddleware {
    private struct ClientKey: StorageKey { typealias Value = APIKeyModel }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let context = request.auditContext
        let route = request.route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? request.url.path
        guard let basic = request.headers.basicAuthorization, basic.password.hasPrefix(APIKeyModel.clearPrefix),
              SecureToken.isWellFormed(String(basic.password.dropFirst(APIKeyModel.clearPrefix.count))),
              let key = try await APIKeyModel.query(on: request.db).filter(\.$keyHash == TokenDigest.hex(basic.password))
                .filter(\.$revokedAt == nil).first(),
              basic.username == key.keyPrefix, key.disabledAt == nil
        else {
            try await refuse(request, context, route: route, reason: "credential", claimed: request.headers.basicAuthorization?.username)
            throw ESignError.unauthenticated
        }
        let caller = context.actingAsAPI(key)
        guard (AddressAllowList(key.allowedAddresses ?? "") ?? AddressAllowList("")!).allows(context.clientAddress) else {
            try await refuse(request, caller, route: route, reason: "address", claimed: key.keyPrefix)
            throw ESignError.addressNotAllowed
        }
        let now = request.ams.clock.now
        let minute = Int64(now.timeIntervalSince1970 / 60)
        let calls = try await (request.db as! any SQLDatabase).raw("""
            INSERT INTO api_call_counts (key_id, minute, calls) VALUES (\(bind: key.id!), \(bind: minute), 1)
            ON CONFLICT (key_id, minute) DO UPDATE SET calls = api_call_counts.calls + 1 RETURNING calls
            """).first(decoding: CallCount.self)?.calls ?? 1
        guard calls <= key.requestsPerMinute ?? APIKeyModel.defaultRequestsPerMinute else {
            // the first refusal of a minute is audited, not every one
            if calls == (key.requestsPerMinute ?? APIKeyModel.defaultRequestsPerMinute) + 1 {
                try await refuse(request, caller, route: route, reason: "rate", claimed: key.keyPrefix)
            }
            throw ESignError.tooManyRequests
        }
        try await APIKeyModel.query(on: request.db).filter(\.$id == key.id!).set(\.$lastUsedAt, to: now).update()
        request.storage[ClientKey.self] = key
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try await audit(request, caller, route: route, status: ESignError.from(error).status.code, key: key)
            throw error
        }
        try await audit(request, caller, route: route, status: response.status.code, key: key)
        return response
    }

    struct CallCount: Decodable { let calls: Int }

    private func audit(_ request: Request, _ context: AuditContext, route: String, status: UInt, key: APIKeyModel) async throws {
        try await request.ams.audit.appendAlone(.esignCall, outcome: status < 400 ? .success : .failure, context: context,
                                                targetType: "api_key", targetID: key.id!.uuidString,
                                                details: ["application": key.name, "route": route, "status": String(status)], on: request.db)
    }

    private func refuse(_ request: Request, _ context: AuditContext, route: String, reason: String, claimed: String?) async throws {
        try await request.ams.audit.appendAlone(.esignRefused, outcome: .denied, context: context, targetType: "api_key",
                                                details: ["route": route, "reason": reason, "user": LogSafe.field(claimed ?? "", limit: 40)],
                                                on: request.db)
    }

    static func client(_ request: Request) throws -> APIKeyModel {
        guard let key = request.storage[ClientKey.self] else { throw ESignError.unauthenticated }
        return key
    }
}
