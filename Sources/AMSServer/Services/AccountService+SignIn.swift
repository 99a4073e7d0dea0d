import AMSCore
import Fluent
import Foundation

extension AccountService {
    /// Sign-in refused by the throttle; carries when to try again.
    struct Throttled: Error {
        let decision: ThrottleDecision
    }

    struct SignedIn: Sendable {
        let user: UserModel
        /// The new session's cookie value.
        let sessionToken: String
    }

    /// SOP step 6: checks the throttle, then the password; on success opens a brand-new session.
    func signIn(username rawUsername: String, password: String, userAgent: String, context: AuditContext) async throws -> SignedIn {
        let accountKey = String(rawUsername.trimmingCharacters(in: .whitespaces).lowercased().prefix(128))
        let address = context.clientAddress
        let decision = try await throttle.decision(accountKey: accountKey, clientAddress: address, on: database)
        if !decision.isAllowed {
            let action: AuditAction = { if case .locked = decision { return .signInLocked } else { return .signInThrottled } }()
            let known = try await UserModel.query(on: database).filter(\.$username == accountKey).first()
            try await services.audit.appendAlone(action, outcome: .denied, context: context, targetType: "account",
                                                 targetID: Self.auditedAccount(known), on: database)
            services.metrics.signInFailed("throttled")
            throw Throttled(decision: decision)
        }
        let user = try await UserModel.query(on: database).filter(\.$username == accountKey).first()
        let storedHash = if let user { user.passwordHash } else { try await services.absentAccountHash.value() }
        let passwordMatches = try await services.passwordHashing.verify(password, against: storedHash)
        guard let user, passwordMatches else {
            try await recordFailure(accountKey: accountKey, reason: user == nil ? "unknown_account" : "wrong_password",
                                    user: user, context: context)
            throw DomainError.invalidCredentials
        }
        guard user.isActive else {
            try await recordFailure(accountKey: accountKey, reason: "account_disabled", user: user, context: context)
            throw DomainError.accountDisabled
        }
        if user.passwordIsInitial, let expires = user.initialPasswordExpiresAt, services.clock.now >= expires {
            try await recordFailure(accountKey: accountKey, reason: "initial_password_expired", user: user, context: context)
            throw DomainError.initialPasswordExpired
        }
        return try await WriteTransaction.run(on: database) { [self] db in
            try await throttle.record(accountKey: accountKey, clientAddress: address, succeeded: true, on: db)
            if user.passwordIsInitial {
                // an initial password opens one session: the one in which it is changed
                user.initialPasswordExpiresAt = services.clock.now
                try await user.update(on: db)
            }
            let token = try await sessions.create(for: user.id!, clientAddress: address, userAgent: userAgent, on: db)
            try await services.audit.append(.signInSucceeded, context: context.actingAs(user), targetType: "user",
                                            targetID: user.id!.uuidString,
                                            details: ["initial_password": user.passwordIsInitial ? "yes" : "no"], on: db)
            return SignedIn(user: user, sessionToken: token)
        }
    }

    private func recordFailure(accountKey: String, reason: String, user: UserModel?, context: AuditContext) async throws {
        let address = context.clientAddress
        let locked = try await WriteTransaction.run(on: database) { [self] db in
            try await throttle.record(accountKey: accountKey, clientAddress: address, succeeded: false, on: db)
            try await services.audit.append(.signInFailed, outcome: .failure, context: context, targetType: "account",
                                            targetID: Self.auditedAccount(user), details: ["reason": reason], on: db)
            let after = try await throttle.decision(accountKey: accountKey, clientAddress: address, on: db)
            if case .locked(let until) = after {
                try await services.audit.append(.signInLocked, outcome: .denied, context: context, targetType: "account",
                                                targetID: Self.auditedAccount(user),
                                                details: ["until": ISO8601DateFormatter().string(from: until)], on: db)
                return true
            }
            return false
        }
        services.metrics.signInFailed(reason)
        if locked { services.metrics.signInLocked() }
    }

    /// The account named in an audit entry about a sign-in: the username of an account that exists, else nothing
    /// (what was typed may be a password in the wrong field).
    static func auditedAccount(_ user: UserModel?) -> String {
        user?.username ?? ""
    }

    /// Ends a session server-side.
    func signOut(user: UserModel, sessionToken: String, context: AuditContext) async throws {
        try await WriteTransaction.run(on: database) { [self] db in
            try await sessions.delete(token: sessionToken, on: db)
            try await services.audit.append(.signedOut, context: context, targetType: "user", targetID: user.id!.uuidString, on: db)
        }
    }
}
