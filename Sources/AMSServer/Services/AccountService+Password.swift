import AMSCore
import Fluent
import SQLKit
import Foundation

extension AccountService {
    /// A new password that breaks the policy; the violations are shown next to the field.
    struct PasswordRejected: Error {
        let violations: [PasswordViolation]
    }

    /// SOP step 7 and every later change: needs the current password; ends every session of the user, this one
    /// included, and returns the cookie value of a new one (the session id changes with the password); voids
    /// outstanding reset links; mails a notice.
    ///
    /// The new password is judged first, so the answer to a wrong current password never depends on it (no oracle),
    /// and the current password is checked through the sign-in throttle (``verifyPassword(_:of:purpose:context:)``).
    func changePassword(user: UserModel, current: String, new: String, confirmation: String, userAgent: String,
                        context: AuditContext) async throws -> String {
        let violations = services.passwordPolicy.violations(
            of: new, confirmation: confirmation,
            context: PasswordContext(username: user.username, email: user.email, nik: user.nik, currentPassword: current))
        guard violations.isEmpty else { throw PasswordRejected(violations: violations) }
        guard try await verifyPassword(current, of: user, purpose: "password_change", failure: .passwordChangeFailed, context: context) else {
            throw DomainError.wrongCurrentPassword
        }
        return try await storeNewPassword(new, for: user, action: .passwordChanged, context: context, then: { [self] db in
            try await sessions.create(for: user.id!, clientAddress: context.clientAddress, userAgent: userAgent, on: db)
        })
    }

    /// Checks the password of a signed-in user where an action asks for it again (changing it, asking for or
    /// confirming a certificate, replacing a key, revoking): through the sign-in throttle of the account at this
    /// address, failures counted there and audited (as `failure`). A throttled check and a wrong password answer alike
    /// (false).
    func verifyPassword(_ password: String, of user: UserModel, purpose: String, failure: AuditAction = .reauthenticationFailed,
                        context: AuditContext) async throws -> Bool {
        let address = context.clientAddress
        let allowed = try await throttle.decision(accountKey: user.username, clientAddress: address, on: database).isAllowed
        if allowed, !password.isEmpty, try await services.passwordHashing.verify(password, against: user.passwordHash) { return true }
        try await WriteTransaction.run(on: database) { [self] db in
            if allowed { try await throttle.record(accountKey: user.username, clientAddress: address, succeeded: false, on: db) }
            try await services.audit.append(failure, outcome: allowed ? .failure : .denied, context: context,
                                            targetType: "user", targetID: user.id!.uuidString,
                                            details: ["purpose": purpose, "reason": allowed ? "wrong_password" : "throttled"], on: db)
        }
        return false
    }

    static let resetLinksPerHour = 3

    /// Receives a reset request from the form: whatever was typed is queued, sealed, for the reset worker
    /// (``processPasswordResetRequests(limit:)``). The form's answer does the same work, and so takes the same time,
    /// whether or not the identifier names an account (one insert of one sealed row): nobody learns from it whether
    /// an account exists.
    func requestPasswordReset(identifier raw: String, context: AuditContext) async throws {
        let content = PasswordResetRequestModel.Content(identifier: String(raw.prefix(254)), clientAddress: context.clientAddress,
                                                        requestID: context.requestID)
        let id = UUID()
        let sealed = try services.sealer.seal(value: content, binding: id.uuidString)
        try await PasswordResetRequestModel(id: id, sealed: sealed, requestedAt: services.clock.now).create(on: database)
    }

    /// The reset worker's pass: for each queued request, oldest first, mails a single-use link if the identifier
    /// names an active account (at most ``resetLinksPerHour`` per account), and audits the outcome. Each request is
    /// taken out of the queue in the transaction that acts on it, so it is handled once even with several workers.
    /// Returns how many requests were handled.
    @discardableResult
    func processPasswordResetRequests(limit: Int = 100) async throws -> Int {
        let queued = try await PasswordResetRequestModel.query(on: database).sort(\.$requestedAt).limit(limit).all()
        for row in queued {
            let content = try? services.sealer.open(PasswordResetRequestModel.Content.self, row.sealed, binding: row.id!.uuidString)
            let context = AuditContext(actorID: nil, actorName: "", actorRole: "anonymous",
                                       clientAddress: content?.clientAddress ?? "", requestID: content?.requestID ?? "-")
            try await mailResetLink(identifier: content?.identifier ?? "", request: row.id!, context: context)
        }
        return queued.count
    }

    /// One queued request: the link and its mail, or the audit entry saying why none was sent, in one transaction
    /// with the request's removal from the queue.
    private func mailResetLink(identifier raw: String, request: UUID, context: AuditContext) async throws {
        let identifier = String(raw.trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        let user = try await UserModel.query(on: database)
            .group(.or) { $0.filter(\.$username == identifier).filter(\.$email == identifier) }
            .first()
        let now = services.clock.now
        guard let user, user.isActive else {
            // what was typed is not recorded: it may be anything (a password in the wrong field)
            try await WriteTransaction.run(on: database) { [services] db in
                guard try await Self.dequeue(request, on: db) else { return }
                try await services.audit.append(.passwordResetRequested, outcome: .failure, context: context,
                                                targetType: "account", targetID: user?.username ?? "",
                                                details: ["reason": user == nil ? "unknown_account" : "account_disabled"], on: db)
            }
            return
        }
        let lifetime = services.configuration.tokenPolicy.passwordResetLifetime
        // At most three links per account per hour: a stranger cannot flood someone's mailbox.
        let recent = try await PasswordResetTokenModel.query(on: database).filter(\.$user.$id == user.id!)
            .filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        guard recent < Self.resetLinksPerHour else {
            try await WriteTransaction.run(on: database) { [services] db in
                guard try await Self.dequeue(request, on: db) else { return }
                try await services.audit.append(.passwordResetRequested, outcome: .denied, context: context, targetType: "user",
                                                targetID: user.id!.uuidString, details: ["reason": "rate_limited"], on: db)
            }
            return
        }
        let token = services.newToken().value
        let link = services.configuration.publicBaseURL + "/password/reset/" + token
        let message = services.mail.compose(to: user, template: "password_reset",
                                            arguments: ["username": user.username, "url": link, "minutes": String(Int(lifetime / 60))])
        try await WriteTransaction.run(on: database) { [self] db in
            guard try await Self.dequeue(request, on: db) else { return }
            // Only the newest link works.
            try await PasswordResetTokenModel.query(on: db).filter(\.$user.$id == user.id!).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            try await PasswordResetTokenModel(tokenHash: TokenDigest.hex(token), userID: user.id!, createdAt: now,
                                              expiresAt: now.addingTimeInterval(lifetime)).create(on: db)
            try await services.audit.append(.passwordResetRequested, context: context, targetType: "user",
                                            targetID: user.id!.uuidString, on: db)
            try await services.outbox.enqueue(message, context: context, on: db)
        }
    }

    /// Takes a request out of the queue; false when another worker took it first (it then waited for that worker's
    /// transaction on the row's lock and found it gone).
    private static func dequeue(_ request: UUID, on db: any Database) async throws -> Bool {
        // both engines AMS runs on are SQL databases
        let removed = try await (db as! any SQLDatabase).delete(from: PasswordResetRequestModel.schema).where("id", .equal, request).returning("id").all()
        return !removed.isEmpty
    }

    /// The reset link's account, if the link is still usable.
    func userForResetToken(_ token: String) async throws -> UserModel? {
        guard SecureToken.isWellFormed(token),
              let row = try await PasswordResetTokenModel.query(on: database)
                .filter(\.$tokenHash == TokenDigest.hex(token)).with(\.$user).first(),
              TokenPolicy.isUsable(expiresAt: row.expiresAt, usedAt: row.usedAt, now: services.clock.now),
              row.user.isActive
        else { return nil }
        return row.user
    }

    /// Completes a reset: sets the password, spends the link, ends every session of the account.
    func resetPassword(token: String, new: String, confirmation: String, context: AuditContext) async throws {
        guard let user = try await userForResetToken(token) else { throw DomainError.tokenInvalid }
        var violations = services.passwordPolicy.violations(
            of: new, confirmation: confirmation, context: PasswordContext(username: user.username, email: user.email, nik: user.nik))
        if try await services.passwordHashing.verify(new, against: user.passwordHash) { violations.append(.sameAsCurrent) }
        guard violations.isEmpty else { throw PasswordRejected(violations: violations) }
        let hash = TokenDigest.hex(token)
        let now = services.clock.now
        try await storeNewPassword(new, for: user, action: .passwordResetCompleted, context: context, first: { db in
            // Spend the link in the same transaction; a concurrent second use finds it used and changes nothing.
            let spent = try await PasswordResetTokenModel.query(on: db).filter(\.$tokenHash == hash).filter(\.$usedAt == nil)
                .all()
            guard let row = spent.first else { throw DomainError.tokenInvalid }
            row.usedAt = now
            try await row.update(on: db)
        })
    }

    /// Stores the new password, ends every session of the user, voids every outstanding reset link, audits and mails
    /// a notice, in one transaction; `first` runs before all that, `then` after it, and its result is returned.
    @discardableResult
    private func storeNewPassword<T: Sendable>(_ password: String, for user: UserModel, action: AuditAction, context: AuditContext,
                                               first: (@Sendable (any Database) async throws -> Void)? = nil,
                                               then: @escaping @Sendable (any Database) async throws -> T = { _ in () }) async throws -> T {
        let hash = try await services.passwordHashing.hash(password)
        let now = services.clock.now
        let zone = try await AgencyModel.timeZone(of: user.$agency.id, on: database)
        let notice = services.mail.compose(to: user, template: "password_changed",
                                           arguments: ["username": user.username, "time": DisplayFormat.timestamp(now, in: zone)])
        return try await WriteTransaction.run(on: database) { [self] db in
            try await first?(db)
            user.passwordHash = hash
            user.passwordIsInitial = false
            user.initialPasswordExpiresAt = nil
            user.passwordChangedAt = now
            user.updatedAt = now
            try await user.update(on: db)
            try await sessions.endAll(for: user.id!, on: db)
            try await PasswordResetTokenModel.query(on: db).filter(\.$user.$id == user.id!).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            try await services.audit.append(action, context: context.actingAs(user), targetType: "user",
                                            targetID: user.id!.uuidString, on: db)
            try await services.outbox.enqueue(notice, context: context.actingAs(user), on: db)
            return try await then(db)
        }
    }
}
