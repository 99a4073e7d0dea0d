import AMSCore
import Fluent
import Foundation

extension AccountService {
    /// Gives an account another role (and agency, where the role needs one). Ends its sessions so the new rights
    /// apply at once. The last active administrator keeps the role.
    func changeRole(of user: UserModel, to role: Role, agencyID: UUID?, actor: UserModel, context: AuditContext) async throws {
        guard user.id != actor.id else { throw ValidationError(["role": "error_self_change"]) }
        if user.role == .administrator, role != .administrator, try await activeAdministratorCount() <= 1 {
            throw ValidationError(["role": "error_last_administrator"])
        }
        var agency: AgencyModel?
        if let agencyID {
            agency = try await AgencyModel.query(on: database).filter(\.$id == agencyID).with(\.$domains).first()
            guard agency != nil else { throw ValidationError(["agencyID": "error_invalid_agency"]) }
        }
        guard let username = Username(user.username), let email = EmailAddress(user.email), let name = PersonName(user.fullName) else {
            throw DomainError(.storedAccountInvalid, "stored account fields no longer validate")
        }
        do {
            _ = try AccountDraft(username: username, email: email, fullName: name, role: role, agencyID: agency?.id,
                                 agencyDomains: agency?.domains.compactMap { EmailDomain($0.domain) } ?? [])
        } catch let error as DomainError {
            throw ValidationError([error == .emailDomainNotInAgency ? "role" : "agencyID": ErrorMapping(code: error.code).messageKey])
        }
        let previous = user.role
        let now = services.clock.now
        let newAgency = agency
        let before = user.identity
        try await WriteTransaction.run(on: database) { [self] db in
            user.role = role
            user.$agency.id = newAgency?.id
            // Moving a verified holder to another agency changes certificate data: verify again before issuance.
            if user.identityVerifiedAt != nil, IdentityPolicy.changeRequiresReverification(from: before, to: user.identity) {
                user.reverificationRequired = true
            }
            user.updatedAt = now
            try await user.update(on: db)
            try await sessions.endAll(for: user.id!, on: db)
            try await services.audit.append(.roleChanged, context: context, targetType: "user", targetID: user.id!.uuidString,
                                            details: ["from": previous.rawValue, "to": role.rawValue, "agency": newAgency?.code ?? ""], on: db)
        }
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    func setActive(_ active: Bool, user: UserModel, actor: UserModel, context: AuditContext) async throws {
        guard user.id != actor.id else { throw ValidationError(["status": "error_self_change"]) }
        if !active, user.role == .administrator, user.isActive, try await activeAdministratorCount() <= 1 {
            throw ValidationError(["status": "error_last_administrator"])
        }
        let now = services.clock.now
        try await WriteTransaction.run(on: database) { [self] db in
            user.isActive = active
            user.updatedAt = now
            try await user.update(on: db)
            if !active { try await sessions.endAll(for: user.id!, on: db) }
            try await services.audit.append(active ? .accountEnabled : .accountDisabled, context: context, targetType: "user",
                                            targetID: user.id!.uuidString, details: ["username": user.username], on: db)
        }
    }

    private func activeAdministratorCount() async throws -> Int {
        try await UserModel.query(on: database).filter(\.$role == .administrator).filter(\.$isActive == true).count()
    }
}
