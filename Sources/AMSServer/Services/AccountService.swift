import AMSCore
import Fluent
import Foundation

/// Account operations: creation (SOP step 5), sign-in, password changes and resets, and administration. Each
/// state change runs in one transaction with its audit entry and its mail.
struct AccountService: Sendable {
    let services: AMSServices
    let database: any Database

    var sessions: SessionStore { SessionStore(services: services) }
    var throttle: LoginThrottle { LoginThrottle(clock: services.clock) }

    /// The raw fields of an account form, before validation.
    struct AccountInput: Sendable {
        var username: String
        var email: String
        var fullName: String
        var nik: String?
        var role: String
        var agencyID: String?
        var locale: AppLocale = .default
    }

    /// Creates an account with a random 8-character initial password mailed to its owner (SOP step 5).
    func createAccount(_ input: AccountInput, context: AuditContext) async throws -> UserModel {
        var problems: [String: String] = [:]
        let username = Username(input.username)
        if username == nil { problems["username"] = "error_invalid_username" }
        let email = EmailAddress(input.email)
        if email == nil { problems["email"] = "error_invalid_email" }
        let fullName = PersonName(input.fullName)
        if fullName == nil { problems["fullName"] = "error_invalid_name" }
        let nik = input.nik?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let nik, !(nik.count == 16 && nik.allSatisfy(\.isASCII) && nik.allSatisfy(\.isNumber)) {
            problems["nik"] = "error_invalid_nik"
        }
        let role = Role(rawValue: input.role)
        if role == nil { problems["role"] = "error_invalid_role" }
        // operators act on requests: segregation of duties compares persons, so they carry their NIK
        if let role, [.agencyOperator, .caOperator].contains(role), nik == nil, problems["nik"] == nil {
            problems["nik"] = "error_nik_required_for_operators"
        }
        var agency: AgencyModel?
        if let raw = input.agencyID?.nilIfEmpty {
            if let id = UUID(uuidString: raw) { agency = try await AgencyModel.query(on: database).filter(\.$id == id).with(\.$domains).first() }
            if agency == nil { problems["agencyID"] = "error_invalid_agency" }
        }
        guard problems.isEmpty, let username, let email, let fullName, let role else { throw ValidationError(problems) }
        let draft: AccountDraft
        do {
            draft = try AccountDraft(username: username, email: email, fullName: fullName, role: role, agencyID: agency?.id,
                                     agencyDomains: agency?.domains.compactMap { EmailDomain($0.domain) } ?? [])
        } catch let error as DomainError {
            let field = error == .emailDomainNotInAgency ? "email" : "agencyID"
            throw ValidationError([field: ErrorMapping(code: error.code).messageKey])
        }
        if try await UserModel.query(on: database).filter(\.$username == draft.username.value).count() > 0 {
            throw ValidationError(["username": "error_duplicate_username"])
        }
        if try await UserModel.query(on: database).filter(\.$email == draft.email.value).count() > 0 {
            throw ValidationError(["email": "error_duplicate_email"])
        }
        let password = services.initialPasswords.generate()
        let hash = try await services.passwordHashing.hash(password)
        let now = services.clock.now
        let expires = now.addingTimeInterval(services.configuration.tokenPolicy.initialPasswordLifetime)
        let user = UserModel(username: draft.username.value, email: draft.email.value, fullName: draft.fullName.value, nik: nik,
                             role: draft.role, agencyID: draft.agencyID, passwordHash: hash, passwordIsInitial: true,
                             initialPasswordExpiresAt: expires, locale: input.locale.rawValue, now: now)
        let agencyCode = agency?.code ?? ""
        try await WriteTransaction.run(on: database) { [self] db in
            try await user.create(on: db)
            try await services.audit.append(.accountCreated, context: context, targetType: "user", targetID: user.id!.uuidString,
                                            details: ["username": user.username, "role": user.role.rawValue, "agency": agencyCode], on: db)
            try await services.outbox.enqueue(initialPasswordMail(for: user, password: password), context: context, on: db)
        }
        return user
    }

    /// Replaces a user's password with a new random initial one and mails it (e.g. the first expired unused).
    func reissueInitialPassword(for user: UserModel, context: AuditContext) async throws {
        let password = services.initialPasswords.generate()
        let hash = try await services.passwordHashing.hash(password)
        let now = services.clock.now
        try await WriteTransaction.run(on: database) { [self] db in
            user.passwordHash = hash
            user.passwordIsInitial = true
            user.initialPasswordExpiresAt = now.addingTimeInterval(services.configuration.tokenPolicy.initialPasswordLifetime)
            user.updatedAt = now
            try await user.update(on: db)
            try await sessions.endAll(for: user.id!, on: db)
            try await services.audit.append(.initialPasswordReissued, context: context, targetType: "user",
                                            targetID: user.id!.uuidString, details: ["username": user.username], on: db)
            try await services.outbox.enqueue(initialPasswordMail(for: user, password: password), context: context, on: db)
        }
    }

    func initialPasswordMail(for user: UserModel, password: String) -> MailMessage {
        let hours = String(Int(services.configuration.tokenPolicy.initialPasswordLifetime / 3600))
        return services.mail.compose(to: user, template: "initial_password", arguments: [
            "username": user.username, "password": password, "url": services.configuration.publicBaseURL + "/login", "hours": hours,
        ])
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
