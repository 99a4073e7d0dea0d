import AMSCore
import Fluent
import Vapor

/// The public side of the SOP: the request form (step 1, no account needed) and the applicant's private status page.
struct RegistrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("register", use: showForm)
        // Set when the app is configured: two documents plus the form fields.
        routes.get("register", "submitted", use: submitted)
        routes.get("status", ":token", use: status)
    }

    /// The upload route, with its own body limit (registered from `routes(_:)` once the limit is known).
    static func registerUploadRoute(_ routes: any RoutesBuilder, uploadMaxBytes: Int) {
        let limit = uploadMaxBytes * 2 + 64 * 1024
        routes.on(.POST, "register", bodyLimit: limit, use: RegistrationController().submit)
        let agencyOperators = routes.grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canEnterRequestForApplicant(actor: $0) })
        agencyOperators.get("requests", "new", use: RegistrationController().showOperatorForm)
        agencyOperators.on(.POST, "requests", "new", bodyLimit: limit, use: RegistrationController().submit)
        routes.on(.POST, "status", ":token", "resubmit", bodyLimit: limit, use: RegistrationController().resubmit)
    }

    /// The public form; `?invitation=<token>` (a registration an agency application started) fills in the person's
    /// name, address and agency.
    @Sendable func showForm(req: Request) async throws -> Response {
        guard let token = req.query[String.self, at: "invitation"],
              let invitation = try await ESignService.invitation(token: token, on: req.db, now: req.ams.clock.now) else {
            return try await renderForm(req, form: [:], errors: FormErrors(), status: .ok)
        }
        return try await renderForm(req, form: ["agencyID": invitation.$agency.id.uuidString, "fullName": invitation.fullName,
                                                "email": invitation.email], errors: FormErrors(), status: .ok)
    }

    /// The form for an agency operator entering a request on an applicant's behalf: their own agency only.
    @Sendable func showOperatorForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await renderForm(req, form: ["agencyID": user.$agency.id?.uuidString ?? ""], errors: FormErrors(), status: .ok)
    }

    /// Whether this request is an operator entering a request (the `/requests/new` route) rather than the public form.
    private func operatorEntering(_ req: Request) -> UserModel? {
        req.url.path.hasPrefix("/requests/") ? req.signedInUser : nil
    }

    private func renderForm(_ req: Request, form: [String: String], errors: FormErrors, status: HTTPStatus) async throws -> Response {
        var agencyQuery = AgencyModel.query(on: req.db).sort(\.$name)
        if let user = operatorEntering(req) { agencyQuery = agencyQuery.filter(\.$id == (user.$agency.id ?? UUID())) }
        let agencies = try await agencyQuery.all()
        let options = [SelectOption(value: "", label: req.localized("register_choose_agency"), selected: (form["agencyID"] ?? "").isEmpty)]
            + agencies.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: form["agencyID"] == $0.id!.uuidString) }
        let isPublic = operatorEntering(req) == nil
        let challenge = isPublic && req.ams.configuration.submissionLimits.workBits > 0
            ? req.ams.formChallenge.issue(now: req.ams.clock.now, random: req.ams.random) : nil
        return try await req.renderPage("register", titleKey: "register_title",
                                        page: FormPage(action: isPublic ? "/register" : "/requests/new",
                                                       intro: req.localized("register_intro", req.uploadMessageArguments), form: form,
                                                       agencies: agencies.isEmpty ? [] : options, errors: errors, challenge: challenge),
                                        status: status)
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let body = try req.content.decode(RegistrationRequestBody.self)
        let input = body.input(agencyID: body.agencyID.clipped(FieldLimit.identifier), locale: req.locale)
        let enteredBy = operatorEntering(req)
        if let enteredBy, input.agencyID != enteredBy.$agency.id?.uuidString { throw DomainError.forbidden }
        do {
            let service = RegistrationService(services: req.ams, database: req.db)
            if let enteredBy {
                let submitted = try await service.submit(input, enteredBy: enteredBy, context: req.auditContext)
                return req.redirect(to: "/requests/\(submitted.request.id!.uuidString)?notice=request_created")
            }
            let nonce = try Self.spendableChallenge(body, on: req)
            // the same answer whether a request was recorded or an open one exists (its owner was mailed)
            _ = try await service.submitPublicly(input, challengeNonce: nonce, context: req.auditContext)
            return req.redirect(to: "/register/submitted")
        } catch let invalid as ValidationError {
            let errors = req.formErrors(invalid)
            let kept = ["fullName": input.fullName, "nip": input.nip, "nik": input.nik, "email": input.email, "phone": input.phone,
                        "agencyID": input.agencyID, "unit": input.unit, "position": input.position]
            return try await renderForm(req, form: kept.mapValues { LogSafe.field($0, limit: 300) }, errors: errors,
                                        status: .unprocessableEntity)
        }
    }

    /// The nonce of the public form's solved proof of work (``FormChallenge``), or nil when none is asked for.
    private static func spendableChallenge(_ body: RegistrationRequestBody, on req: Request) throws -> String? {
        guard req.ams.configuration.submissionLimits.workBits > 0 else { return nil }
        switch req.ams.formChallenge.check(challenge: body.challenge, work: body.work, now: req.ams.clock.now) {
        case .solved(let nonce, _): return nonce
        case .missing: throw ValidationError(["challenge": "error_challenge_missing"])
        case .expired: throw ValidationError(["challenge": "error_challenge_expired"])
        case .forged, .unsolved: throw ValidationError(["challenge": "error_challenge_unsolved"])
        }
    }

    /// The answer to the public form: the tracking number and status link are in the mail, so the page is the same
    /// whether a request was recorded or one was open already.
    @Sendable func submitted(req: Request) async throws -> Response {
        try await req.renderPage("register-submitted", titleKey: "register_submitted_title",
                                 page: SubmittedPage(message: req.localized("register_submitted_body")))
    }

    @Sendable func status(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let request = try await RegistrationService(services: req.ams, database: req.db).request(forStatusToken: token) else {
            throw DomainError.notFound
        }
        return try await renderStatus(req, request, token: token, form: ["phone": request.phone, "unit": request.unit, "position": request.position],
                                      errors: FormErrors(), status: .ok)
    }

    private func renderStatus(_ req: Request, _ request: RegistrationRequestModel, token: String, form: [String: String],
                              errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let timeline = request.events.sorted { $0.occurredAt < $1.occurredAt }.map {
            TimelineEntry(time: DisplayFormat.timestamp($0.occurredAt, in: request.agency.timeZone), label: req.localized("event_\($0.event)"),
                          level: req.localized("level_\($0.level)"),
                          reason: ReasonText.words(code: $0.reasonCode, explanation: $0.reason, locale: req.locale))
        }
        let page = StatusPage(token: token, canResubmit: request.status == .returnedByAgency, canWithdraw: !request.status.isClosed,
                              form: form, errors: errors, trackingNumber: request.trackingNumber,
                              statusLabel: req.localized("status_\(request.status.rawValue)"),
                              status: request.status.rawValue,
                              reason: ReasonText.words(code: request.lastReasonCode, explanation: request.lastReason, locale: req.locale),
                              agency: request.agency.name,
                              timeline: timeline, stages: Self.stages(request.status, req), nextStep: Self.nextStep(request.status, req),
                              canSignIn: request.status == .verified)
        return try await req.renderPage("status", titleKey: "status_title", page: page, status: status)
    }

    /// The SOP's stages for the stepper, each with its time standard.
    static func stages(_ status: RegistrationStatus, _ req: Request) -> [Stage] {
        let progress = RequestProgress(status)
        return RequestProgress.Stage.allCases.map { stage in
            let state = progress.done.contains(stage) ? "done" : (progress.current == stage ? "current" : "todo")
            let standard = stage.step.map {
                req.localized("status_stage_standard", ["duration": DisplayFormat.duration(req.ams.configuration.timeStandards.limit(for: $0), locale: req.locale)])
            }
            return Stage(label: req.localized("status_stage_\(stage.rawValue)"), state: state, standard: standard)
        }
    }

    /// What happens next, and who does it, in words; nil when the request is over.
    static func nextStep(_ status: RegistrationStatus, _ req: Request) -> String? {
        guard let current = RequestProgress(status).current else { return nil }
        let key = RequestProgress(status).applicantsTurn ? "status_next_yours_\(status.rawValue)" : "status_next_\(current.rawValue)"
        let standard = current.step.map { DisplayFormat.duration(req.ams.configuration.timeStandards.limit(for: $0), locale: req.locale) } ?? ""
        return req.localized(key, ["duration": standard])
    }

    @Sendable func resubmit(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let service = RegistrationService(services: req.ams, database: req.db)
        guard let request = try await service.request(forStatusToken: token) else { throw DomainError.notFound }
        let form = try req.content.decode(CorrectionForm.self)
        let correction = RegistrationService.Correction(phone: form.phone.clipped(FieldLimit.phone), unit: form.unit.clipped(FieldLimit.unit),
                                                        position: form.position.clipped(FieldLimit.position),
                                                        recommendationLetter: RegistrationService.UploadedFile(form.recommendationLetter), jobDecree: RegistrationService.UploadedFile(form.jobDecree))
        do {
            try await service.resubmit(request, correction: correction, context: req.auditContext)
            return req.redirect(to: "/status/\(token)?notice=request_resubmitted")
        } catch let invalid as ValidationError {
            let errors = req.formErrors(invalid)
            let kept = ["phone": correction.phone, "unit": correction.unit, "position": correction.position].mapValues { LogSafe.field($0, limit: 300) }
            return try await renderStatus(req, request, token: token, form: kept, errors: errors, status: .unprocessableEntity)
        }
    }
}
