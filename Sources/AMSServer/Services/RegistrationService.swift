import AMSCore
import Fluent
import Foundation

/// The registration workflow's operations. Each transition runs in one transaction with its timeline entry, its
/// step timings, its audit entry and its mail; documents are written before and removed again if that fails.
struct RegistrationService: Sendable {
    let services: AMSServices
    let database: any Database

    /// The raw fields of the request form (SOP step 1).
    struct RequestInput: Sendable {
        var fullName: String
        var nip: String
        var nik: String
        var email: String
        var phone: String
        var agencyID: String
        var unit: String
        var position: String
        var recommendationLetter: UploadedFile?
        var jobDecree: UploadedFile?
        var locale: AppLocale = .default
    }

    struct UploadedFile: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    struct Submitted: Sendable {
        let request: RegistrationRequestModel
        /// The clear token of the private status link (only its hash is stored).
        let statusToken: String
    }

    /// SOP step 1 by an agency operator or an agency application: checks every field and both documents (a NIK or
    /// e-mail address with an open request is refused by name), then records the request (``record(_:_:agency:enteredBy:context:)``).
    func submit(_ input: RequestInput, enteredBy: UserModel?, context: AuditContext) async throws -> Submitted {
        let (fields, agency) = try await validate(input)
        if let account = try await existingAccount(nip: fields.nip, nik: fields.nik, email: fields.email) {
            throw invalid([Self.matchingField(of: account, nip: fields.nip, nik: fields.nik): "error_account_exists_use_reset"])
        }
        guard try await openRequest(nik: fields.nik, email: fields.email) == nil else { throw invalid(["nik": "error_open_request_exists"]) }
        return try await record(input, fields, agency: agency, enteredBy: enteredBy, context: context)
    }

    /// SOP step 1 on the public form. The answer must not tell anyone whether a NIK or e-mail address has an open
    /// request: when one has, nothing is recorded, its owner is mailed instead, and nil comes back (the caller
    /// answers as for a new request).
    ///
    /// The form is bounded (``SubmissionLimits``): submissions per client address and in all per hour, and open
    /// requests per mail domain; each accepted submission is logged with its address (not its content) and the
    /// proof-of-work challenge it spent (`challengeNonce`, checked by the caller with ``FormChallenge``), which no
    /// other submission may spend again. Log rows older than both the hour and a challenge's life are deleted.
    func submitPublicly(_ input: RequestInput, challengeNonce: String?, context: AuditContext) async throws -> Submitted? {
        let limits = services.configuration.submissionLimits
        let now = services.clock.now
        let hourAgo = now.addingTimeInterval(-3600)
        if let challengeNonce, try await SubmissionLogModel.query(on: database).filter(\.$challengeNonce == challengeNonce).count() > 0 {
            throw invalid(["challenge": "error_challenge_spent"])
        }
        let fromAddress = try await SubmissionLogModel.query(on: database).filter(\.$clientAddress == context.clientAddress)
            .filter(\.$occurredAt > hourAgo).count()
        let fromEveryone = try await SubmissionLogModel.query(on: database).filter(\.$occurredAt > hourAgo).count()
        guard fromAddress < limits.perAddressPerHour, fromEveryone < limits.globalPerHour else {
            throw DomainError(.tooManySubmissions, "submission limit reached")
        }
        let (fields, agency) = try await validate(input)
        let domain = fields.email.split(separator: "@").last.map(String.init) ?? ""
        let openInDomain = try await RegistrationRequestModel.query(on: database).filter(\.$email ~= "@" + domain)
            .filter(\.$status !~ RegistrationStatus.closedStatuses).count()
        guard openInDomain < limits.openPerMailDomain else { throw DomainError(.mailDomainFull, "open requests of \(domain) at the cap") }
        if let account = try await existingAccount(nip: fields.nip, nik: fields.nik, email: fields.email) {
            // nothing recorded; the account's owner is told at the account's own address (never the one typed)
            let notice = services.mail.compose(to: account, template: "account_exists",
                                               arguments: ["username": account.username,
                                                           "url": services.configuration.publicBaseURL + "/password/forgot"])
            let logged = SubmissionLogModel(clientAddress: context.clientAddress, occurredAt: now, challengeNonce: challengeNonce)
            try await WriteTransaction.run(on: database) { [services] db in
                try await logged.create(on: db)
                try await services.audit.append(.registrationSubmitted, outcome: .denied, context: context, targetType: "user",
                                                targetID: account.id!.uuidString, details: ["reason": "account_exists"], on: db)
                try await services.outbox.enqueue(notice, context: context, on: db)
            }
            return nil
        }
        let logged = SubmissionLogModel(clientAddress: context.clientAddress, occurredAt: now, challengeNonce: challengeNonce)
        let forgetBefore = now.addingTimeInterval(-max(3600, limits.challengeLifetime))
        let log: @Sendable (any Database) async throws -> Void = { db in
            try await SubmissionLogModel.query(on: db).filter(\.$occurredAt < forgetBefore).delete()
            try await logged.create(on: db)
        }
        if let open = try await openRequest(nik: fields.nik, email: fields.email) {
            let notice = services.mail.compose(to: open.email, name: open.fullName, locale: open.language, template: "duplicate_request",
                                               arguments: ["tracking": open.trackingNumber])
            try await WriteTransaction.run(on: database) { [services] db in
                try await log(db)
                try await services.audit.append(.registrationSubmitted, outcome: .denied, context: context, targetType: "registration",
                                                targetID: open.trackingNumber, details: ["reason": "open_request_exists"], on: db)
                try await services.outbox.enqueue(notice, context: context, on: db)
            }
            return nil
        }
        return try await record(input, fields, agency: agency, enteredBy: nil, context: context, alsoInTransaction: log)
    }

    /// Refuses to store documents while the attachment folder's file system is under the free-space floor.
    func ensureRoomForDocuments() async throws {
        if let free = await services.attachments.freeBytes(), free < services.configuration.submissionLimits.freeDiskFloorBytes {
            throw DomainError(.storageFull, "free disk space under the configured floor")
        }
    }

    /// Stores the documents and records the request with its timeline entry, the start of the agency check, the
    /// audit entry and the confirmation mail, in one transaction.
    private func record(_ input: RequestInput, _ fields: ValidFields, agency: AgencyModel, enteredBy: UserModel?, context: AuditContext,
                        alsoInTransaction extra: (@Sendable (any Database) async throws -> Void)? = nil) async throws -> Submitted {
        try await ensureRoomForDocuments()
        let letter = input.recommendationLetter!.bytes, decree = input.jobDecree!.bytes
        let now = services.clock.now
        var storedKeys: [String] = []
        do {
            let letterKey = try await services.attachments.store(letter)
            storedKeys.append(letterKey)
            let decreeKey = try await services.attachments.store(decree)
            storedKeys.append(decreeKey)
            let statusToken = services.newToken().value
            let request = RegistrationRequestModel()
            request.id = UUID()
            request.trackingNumber = TrackingNumber.generate(random: services.random)
            request.status = .submitted
            request.locale = input.locale.rawValue
            request.version = 1
            request.$agency.id = agency.id!
            request.fullName = fields.fullName
            request.nip = fields.nip
            request.nik = fields.nik
            request.email = fields.email
            request.phone = fields.phone
            request.unit = fields.unit
            request.position = fields.position
            request.statusTokenHash = TokenDigest.hex(statusToken)
            request.statusTokenSealed = try services.sealer.seal(value: statusToken, binding: request.id!.uuidString)
            request.$enteredBy.id = enteredBy?.id
            request.createdAt = now
            request.updatedAt = now
            let (_, effects) = RegistrationWorkflow.submitted()
            let attachments = [
                RegistrationAttachmentModel(requestID: request.id!, kind: .recommendationLetter, revision: 1, storageKey: letterKey,
                                            sha256: TokenDigest.sha256Hex(letter), byteCount: letter.count,
                                            originalName: Self.cleanFilename(input.recommendationLetter!.filename), createdAt: now),
                RegistrationAttachmentModel(requestID: request.id!, kind: .jobDecree, revision: 1, storageKey: decreeKey,
                                            sha256: TokenDigest.sha256Hex(decree), byteCount: decree.count,
                                            originalName: Self.cleanFilename(input.jobDecree!.filename), createdAt: now),
            ]
            let mail = statusMail(for: request, token: statusToken, template: "request_received")
            try await WriteTransaction.run(on: database) { [services] db in
                try await extra?(db)
                try await request.create(on: db)
                for attachment in attachments { try await attachment.create(on: db) }
                try await RegistrationEventModel(requestID: request.id!, event: "submit", from: nil, to: .submitted,
                                                 actorID: enteredBy?.id, actorName: enteredBy?.username ?? request.fullName,
                                                 level: enteredBy == nil ? "applicant" : "agency", reason: nil, note: nil,
                                                 occurredAt: now).create(on: db)
                for case .startStep(let step) in effects {
                    try await StepTimingModel(requestID: request.id!, agencyID: agency.id!, step: step, startedAt: now).create(on: db)
                    request.currentStep = step
                    request.stepStartedAt = now
                }
                try await request.update(on: db)
                try await services.audit.append(.registrationSubmitted, context: context, targetType: "registration",
                                                targetID: request.trackingNumber, details: [
                                                    "agency": agency.code,
                                                    "recommendation_letter_sha256": attachments[0].sha256,
                                                    "job_decree_sha256": attachments[1].sha256,
                                                    "entered_by_operator": enteredBy == nil ? "no" : "yes",
                                                ], on: db)
                try await services.outbox.enqueue(mail, context: context, on: db)
            }
            return Submitted(request: request, statusToken: statusToken)
        } catch {
            for key in storedKeys { await services.attachments.delete(key) }
            throw error
        }
    }

    /// The request a private status link points to.
    func request(forStatusToken token: String) async throws -> RegistrationRequestModel? {
        guard SecureToken.isWellFormed(token) else { return nil }
        return try await RegistrationRequestModel.query(on: database).filter(\.$statusTokenHash == TokenDigest.hex(token))
            .with(\.$agency).with(\.$events).with(\.$attachments).first()
    }

    func statusMail(for request: RegistrationRequestModel, token: String, template: String) -> MailMessage {
        let link = services.configuration.publicBaseURL + "/status/" + token
        return services.mail.compose(to: request.email, name: request.fullName, locale: request.language, template: template,
                                     arguments: ["tracking": request.trackingNumber, "url": link, "reason": request.lastReason ?? ""])
    }

    static func cleanFilename(_ raw: String) -> String {
        let base = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "dokumen.pdf"
        let kept = base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || "._- ()".unicodeScalars.contains($0) }
        let text = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "dokumen.pdf" : String(text.prefix(120))
    }
}
