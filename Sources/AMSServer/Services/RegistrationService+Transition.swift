import AMSCore
import Fluent
import Foundation
import SQLKit

extension RegistrationService {
    /// What an operator or applicant asks for.
    struct Action: Sendable {
        var event: RegistrationEvent
        /// The operator's explanation of the reason (required with ``ReasonCatalogue/other`` or without a code).
        var reason: String?
        var note: String?
        /// The version the actor saw; the transition only happens if it is still current.
        var expectedVersion: Int
        /// What the agency operator confirmed of SOP step 2's checklist (forwarding needs every item).
        var checklist: Set<AgencyChecklistItem> = []
        /// The reason picked from ``ReasonCatalogue/codes(for:)``, for events that need one.
        var reasonCode: String? = nil
        /// What a resubmission changed.
        var changes: [RequestChange] = []
    }

    /// Who acts: a signed-in operator, or the applicant holding one of the request's private links.
    enum Performer: Sendable {
        case operatorAccount(UserModel)
        /// An agency system through `/api/v1`, acting as that agency's operator.
        case apiClient(APIKeyModel)
        case applicant
    }

    /// The facts the permission rules need, from the request and its timeline.
    static func facts(_ request: RegistrationRequestModel) -> RegistrationFacts {
        var agencyActors = Set<UUID>(), caActors = Set<UUID>()
        var agencyPersons = Set<String>(), caPersons = Set<String>()
        for event in request.events {
            guard let actor = event.actorID else { continue }
            if event.level == "agency" {
                agencyActors.insert(actor)
                if let nik = event.actorNIK { agencyPersons.insert(nik) }
            }
            if event.level == "ca" {
                caActors.insert(actor)
                if let nik = event.actorNIK { caPersons.insert(nik) }
            }
        }
        return RegistrationFacts(agencyID: request.$agency.id, status: request.status, applicantEmail: request.email,
                                 applicantNIK: request.nik, agencyLevelActors: agencyActors, caLevelActors: caActors,
                                 agencyLevelPersons: agencyPersons, caLevelPersons: caPersons)
    }

    func load(_ id: UUID) async throws -> RegistrationRequestModel? {
        try await RegistrationRequestModel.query(on: database).filter(\.$id == id)
            .with(\.$agency).with(\.$events).with(\.$attachments).first()
    }

    /// Applies one event: permission, state machine, then one transaction holding the conditional update (exactly one
    /// of two concurrent actors wins), the timeline entry, step timings, activation links, the account (step 5),
    /// the audit entry and the mails.
    @discardableResult
    func transition(_ request: RegistrationRequestModel, _ action: Action, by performer: Performer,
                    context: AuditContext, updates: (@Sendable (RegistrationRequestModel) -> Void)? = nil,
                    alsoInTransaction extra: (@Sendable (any Database) async throws -> Void)? = nil) async throws -> RegistrationStatus {
        // What the actor saw is no longer current: say so before judging the action against the new state.
        guard action.expectedVersion == request.version else { throw DomainError.staleVersion }
        let facts = Self.facts(request)
        var level = "applicant"
        var actorID: UUID?
        var actorName = request.fullName
        var actorNIK: String?
        switch performer {
        case .operatorAccount(let user):
            // segregation of duties compares persons: an operator without a NIK on record cannot act
            guard let nik = user.nik, !nik.isEmpty else {
                throw DomainError(.staffNIKMissing, "the operator's account has no NIK on record")
            }
            actorNIK = nik
            guard Permissions.canApply(action.event, actor: user.operatorActor, request: facts) else {
                try await services.audit.appendAlone(.registrationRefused, outcome: .denied, context: context,
                                                     targetType: "registration", targetID: request.trackingNumber,
                                                     details: ["event": action.event.rawValue], on: database)
                throw DomainError.forbidden
            }
            level = Permissions.level(of: action.event, in: request.status) == .ca ? "ca" : "agency"
            actorID = user.id
            actorName = user.username
        case .apiClient(let key):
            guard Permissions.canApply(action.event, actor: key.actor, request: facts) else { throw DomainError.forbidden }
            level = "agency"
            actorID = key.id
            actorName = key.actor.username
        case .applicant:
            guard action.event.actorKind == .applicant else { throw DomainError.forbidden }
        }
        if action.event == .forwardToCA, !AgencyChecklistItem.isComplete(action.checklist) {
            throw DomainError(.checklistIncomplete, "every checklist item must be confirmed before forwarding")
        }
        var workflow = request.workflow
        let from = request.status
        let reason = action.reason.map { LogSafe.field($0.trimmingCharacters(in: .whitespacesAndNewlines), limit: 1000) }.flatMap { $0.isEmpty ? nil : $0 }
        let reasonCode = action.event.needsReason ? action.reasonCode : nil
        if ReasonCatalogue.problem(event: action.event, code: reasonCode, explanation: reason ?? "") != nil {
            throw WorkflowError.reasonRequired(action.event)
        }
        let effects = try workflow.apply(action.event, reason: reasonCode ?? reason)
        let now = services.clock.now
        var currentStep = request.currentStep, stepStartedAt = request.stepStartedAt
        var endedSteps: [WorkflowStep] = []
        for effect in effects {
            if case .endStep(let step) = effect { endedSteps.append(step); if currentStep == step { currentStep = nil; stepStartedAt = nil } }
            if case .startStep(let step) = effect { currentStep = step; stepStartedAt = now }
        }
        // Prepare secrets and hashes outside the write lock.
        let activationToken = effects.contains(.issueActivationLink) ? services.newToken().value : nil
        let initialPassword = effects.contains(.createAccount) ? services.initialPasswords.generate() : nil
        var initialHash: String?
        if let initialPassword { initialHash = try await services.passwordHashing.hash(initialPassword) }
        let accountPasswordHash = initialHash
        let to = workflow.status
        let (newStep, newStepStartedAt, stepsToEnd) = (currentStep, stepStartedAt, endedSteps)
        let (eventActorID, eventActorName, eventActorNIK, eventLevel) = (actorID, actorName, actorNIK, level)
        let keepsReason = !(to == .submitted || to == .dataSubmitted)
        let lastReason = action.event.needsReason ? reason : (keepsReason ? request.lastReason : nil)
        let lastReasonCode = action.event.needsReason ? reasonCode : (keepsReason ? request.lastReasonCode : nil)
        try await WriteTransaction.run(on: database) { [services] db in
            let sql = db as! any SQLDatabase
            let updated = try await sql.update("registration_requests")
                .set("status", to: to.rawValue)
                .set("version", to: SQLRaw("version + 1"))
                .set("updated_at", to: now)
                .set("last_reason", to: lastReason)
                .set("last_reason_code", to: lastReasonCode)
                .set("current_step", to: newStep?.rawValue)
                .set("step_started_at", to: newStepStartedAt)
                .where("id", .equal, request.id!)
                .where("version", .equal, action.expectedVersion)
                .returning("id")
                .all()
            guard !updated.isEmpty else { throw DomainError.staleVersion }
            request.status = to
            request.version = action.expectedVersion + 1
            request.lastReason = lastReason
            request.lastReasonCode = lastReasonCode
            request.currentStep = newStep
            request.stepStartedAt = newStepStartedAt
            if let updates {
                updates(request)
                request.updatedAt = now
                try await request.update(on: db)
            }
            try await extra?(db)
            let entry = RegistrationEventModel(requestID: request.id!, event: action.event.rawValue, from: from, to: to, actorID: eventActorID,
                                               actorName: eventActorName, level: eventLevel, reason: reason,
                                               note: action.note.map { LogSafe.field($0, limit: 1000) }, occurredAt: now)
            entry.actorNIK = eventActorNIK
            entry.reasonCode = reasonCode
            if !action.changes.isEmpty { entry.changes = String(decoding: try JSONEncoder().encode(action.changes), as: UTF8.self) }
            if action.event == .forwardToCA {
                entry.checklist = action.checklist.map(\.rawValue).sorted().joined(separator: ",")
            }
            try await entry.create(on: db)
            for step in stepsToEnd {
                try await StepTimingModel.query(on: db).filter(\.$request.$id == request.id!).filter(\.$step == step)
                    .filter(\.$endedAt == nil).set(\.$endedAt, to: now).set(\.$endedByID, to: eventActorID).update()
            }
            for effect in effects {
                switch effect {
                case .startStep(let step):
                    try await StepTimingModel(requestID: request.id!, agencyID: request.$agency.id, step: step, startedAt: now).create(on: db)
                case .voidActivationLinks:
                    try await ActivationTokenModel.query(on: db).filter(\.$request.$id == request.id!).filter(\.$usedAt == nil)
                        .filter(\.$voidedAt == nil).set(\.$voidedAt, to: now).update()
                case .issueActivationLink:
                    let token = activationToken!
                    try await ActivationTokenModel(requestID: request.id!, tokenHash: TokenDigest.hex(token), createdAt: now,
                                                   expiresAt: now.addingTimeInterval(services.configuration.tokenPolicy.activationLinkLifetime))
                        .create(on: db)
                    try await services.outbox.enqueue(activationMail(request, token: token), context: context, on: db)
                case .notifyApplicant(let template):
                    try await services.outbox.enqueue(noticeMail(request, template: template), context: context, on: db)
                case .createAccount:
                    let user = try await createApplicantAccount(for: request, passwordHash: accountPasswordHash!, now: now, on: db)
                    request.$applicantUser.id = user.id
                    try await request.update(on: db)
                    try await services.audit.append(.accountCreated, context: context, targetType: "user", targetID: user.id!.uuidString,
                                                    details: ["username": user.username, "role": "applicant",
                                                              "registration": request.trackingNumber], on: db)
                    try await services.outbox.enqueue(AccountService(services: services, database: db)
                        .initialPasswordMail(for: user, password: initialPassword!), context: context, on: db)
                case .endStep:
                    break
                }
            }
            try await services.audit.append(.registrationTransition, context: context, targetType: "registration",
                                            targetID: request.trackingNumber,
                                            details: ["event": action.event.rawValue, "from": from.rawValue, "to": to.rawValue,
                                                      "reason_code": reasonCode ?? "", "reason": reason ?? ""], on: db)
        }
        return to
    }

    /// SOP step 5 for an applicant: username is the NIP, the agency and identity come from the verified request.
    private func createApplicantAccount(for request: RegistrationRequestModel, passwordHash: String, now: Date,
                                        on db: any Database) async throws -> UserModel {
        if let existing = try await UserModel.query(on: db).group(.or, { $0.filter(\.$username == request.nip).filter(\.$email == request.email) })
            .first() {
            throw DomainError(.accountExists, "an account with username \(existing.username) or this e-mail exists")
        }
        let user = UserModel(username: request.nip, email: request.email, fullName: request.fullName, nik: request.nik, role: .applicant,
                             agencyID: request.$agency.id, passwordHash: passwordHash, passwordIsInitial: true,
                             initialPasswordExpiresAt: now.addingTimeInterval(services.configuration.tokenPolicy.initialPasswordLifetime),
                             locale: request.locale, now: now)
        user.position = request.position
        user.givenName = request.givenName
        user.surname = request.surname
        user.unit = request.unit
        user.markVerified(at: now)
        try await user.create(on: db)
        return user
    }

    func activationMail(_ request: RegistrationRequestModel, token: String) -> MailMessage {
        let link = services.configuration.publicBaseURL + "/activate/" + token
        let days = String(Int(services.configuration.tokenPolicy.activationLinkLifetime / 86400))
        return services.mail.compose(to: request.email, name: request.fullName, locale: request.language, template: "activation_link",
                                     text: "activation", arguments: ["tracking": request.trackingNumber, "url": link, "days": days])
    }

    /// The private status link of a request, from its sealed token (nil for requests made before it was kept).
    func statusLink(_ request: RegistrationRequestModel) -> String? {
        guard let sealed = request.statusTokenSealed,
              let token = try? services.sealer.open(String.self, sealed, binding: request.id!.uuidString) else { return nil }
        return services.configuration.publicBaseURL + "/status/" + token
    }

    func noticeMail(_ request: RegistrationRequestModel, template: String) -> MailMessage {
        let locale = request.language
        return services.mail.compose(to: request.email, name: request.fullName, locale: locale, template: template, text: "registration_notice",
                              arguments: [
                                  "tracking": request.trackingNumber, "status": Localizer.text("status_\(request.status.rawValue)", locale),
                                  "reason": ReasonText.words(code: request.lastReasonCode, explanation: request.lastReason, locale: locale)
                                      .map { Localizer.text("mail_reason_line", locale, ["reason": $0]) } ?? "",
                                  "link": statusLink(request).map { Localizer.text("mail_status_link_line", locale, ["url": $0]) }
                                      ?? Localizer.text("mail_status_link_first_mail", locale),
                              ])
    }
}

extension UserModel {
    /// The actor as the registration rules see it, with the identifiers that tell "their own request".
    var operatorActor: Actor {
        Actor(userID: id!, username: username, role: role, agencyID: $agency.id, email: email, nik: nik)
    }
}
