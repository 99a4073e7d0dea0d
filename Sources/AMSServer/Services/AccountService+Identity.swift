import AMSCore
import AMSPKI
import Fluent
import Foundation

extension AccountService {
    /// What a holder's profile change did.
    struct ProfileUpdate: Sendable, Equatable {
        /// Name or position changed: applied, and an operator must re-verify before the next certificate.
        var identityChanged = false
        /// The e-mail address changes only when the link mailed to the new address is followed.
        var emailConfirmationSent = false
    }

    /// A holder keeps their certificate data current. Name and position change at once (re-verification then
    /// required). A new e-mail address needs the current password (through the sign-in throttle) and is only
    /// taken when the link mailed to it is followed; the old address is told. So a borrowed session cannot move the
    /// account's mail (and with it the password reset) elsewhere.
    func updateProfile(_ user: UserModel, fullName: String, position: String, email: String, currentPassword: String,
                       context: AuditContext) async throws -> ProfileUpdate {
        var problems: [String: String] = [:]
        let name = RegistrationService.holderName(fullName, problems: &problems)
        let newPosition = RegistrationService.plainText(position, range: 2...200)
        if newPosition == nil { problems["position"] = "error_invalid_text" }
        let address = EmailAddress(email)
        if address == nil { problems["email"] = "error_invalid_email" }
        if let address, let agencyID = user.$agency.id {
            let domains = try await AgencyDomainModel.query(on: database).filter(\.$agency.$id == agencyID).all().compactMap { EmailDomain($0.domain) }
            if !domains.contains(where: { address.belongs(to: $0) }) { problems["email"] = "error_email_domain_not_in_agency" }
        }
        if let address, address.value != user.email,
           try await UserModel.query(on: database).filter(\.$email == address.value).count() > 0 {
            problems["email"] = "error_duplicate_email"
        }
        guard problems.isEmpty, let name, let newPosition, let address else {
            throw ValidationError(fields: problems.mapValues { .init($0, ["limit": String(CertificateProfile.nameAttributeLimit)]) })
        }
        let emailChanges = address.value != user.email
        if emailChanges, !(try await verifyPassword(currentPassword, of: user, purpose: "email_change", context: context)) {
            throw ValidationError(["currentPassword": "error_reauth_failed"])
        }
        let before = user.identity
        let identityChanges = IdentityPolicy.changeRequiresReverification(
            from: before, to: IdentityFields(fullName: name.value, position: newPosition, agencyID: user.$agency.id, email: user.email))
        guard identityChanges || emailChanges else { return ProfileUpdate() }
        let now = services.clock.now
        let token = services.newToken().value
        let hours = Int(services.configuration.tokenPolicy.emailChangeLifetime / 3600)
        let confirmation = services.mail.compose(to: address.value, name: name.value, locale: AppLocale(rawValue: user.locale) ?? .default,
                                                 template: "email_change_confirm", arguments: [
                                                     "url": services.configuration.publicBaseURL + "/profile/email/" + token,
                                                     "hours": String(hours), "username": user.username])
        let notice = services.mail.compose(to: user, template: "email_change_notice", arguments: ["new_email": address.value])
        try await WriteTransaction.run(on: database) { [services] db in
            if identityChanges {
                user.fullName = name.value
                user.position = newPosition
                user.reverificationRequired = true
                user.updatedAt = now
                try await user.update(on: db)
                try await services.audit.append(.identityChanged, context: context, targetType: "user", targetID: user.id!.uuidString,
                                                details: ["from": "\(before.fullName) | \(before.position)",
                                                          "to": "\(name.value) | \(newPosition)"], on: db)
            }
            if emailChanges {
                // only the newest request counts
                try await EmailChangeModel.query(on: db).filter(\.$user.$id == user.id!).filter(\.$usedAt == nil)
                    .set(\.$usedAt, to: now).update()
                try await EmailChangeModel(userID: user.id!, newEmail: address.value, tokenHash: TokenDigest.hex(token), createdAt: now,
                                           expiresAt: now.addingTimeInterval(services.configuration.tokenPolicy.emailChangeLifetime)).create(on: db)
                try await services.audit.append(.emailChangeRequested, context: context, targetType: "user", targetID: user.id!.uuidString,
                                                details: ["to": address.value], on: db)
                try await services.outbox.enqueue(confirmation, context: context, on: db)
                try await services.outbox.enqueue(notice, context: context, on: db)
            }
        }
        return ProfileUpdate(identityChanged: identityChanges, emailConfirmationSent: emailChanges)
    }

    /// The e-mail change a link stands for, if the link is still usable.
    func emailChange(forToken token: String) async throws -> EmailChangeModel? {
        guard SecureToken.isWellFormed(token),
              let change = try await EmailChangeModel.query(on: database).filter(\.$tokenHash == TokenDigest.hex(token)).with(\.$user).first(),
              TokenPolicy.isUsable(expiresAt: change.expiresAt, usedAt: change.usedAt, now: services.clock.now), change.user.isActive
        else { return nil }
        return change
    }

    /// The link mailed to the new address was followed: the account's e-mail changes, its sessions end, an operator
    /// must re-verify before the next certificate, and the old address is told.
    func confirmEmailChange(token: String, context: AuditContext) async throws {
        guard let change = try await emailChange(forToken: token) else { throw DomainError.tokenInvalid }
        let user = change.user
        guard try await UserModel.query(on: database).filter(\.$email == change.newEmail).count() == 0 else {
            throw ValidationError(["email": "error_duplicate_email"])
        }
        let now = services.clock.now
        let old = user.email
        let notice = services.mail.compose(to: user, template: "email_changed", arguments: ["new_email": change.newEmail])
        try await WriteTransaction.run(on: database) { [self] db in
            // spend the link in the same transaction; a second use finds it used and changes nothing
            guard let row = try await EmailChangeModel.query(on: db).filter(\.$id == change.id!).filter(\.$usedAt == nil).first() else {
                throw DomainError.tokenInvalid
            }
            row.usedAt = now
            try await row.update(on: db)
            user.email = change.newEmail
            user.reverificationRequired = true
            user.updatedAt = now
            try await user.update(on: db)
            try await sessions.endAll(for: user.id!, on: db)
            try await services.audit.append(.identityChanged, context: context.actingAs(user), targetType: "user",
                                            targetID: user.id!.uuidString, details: ["from": old, "to": change.newEmail], on: db)
            try await services.outbox.enqueue(notice, context: context.actingAs(user), on: db)
        }
    }
}
