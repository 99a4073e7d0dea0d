import AMSCore
import Fluent
import Vapor

/// The applicant's actions through the request's private links: completing the data from the activation link
/// (SOP step 3b), and resubmitting or withdrawing from the status link.
struct ApplicantController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("activate", ":token", use: showActivation)
        routes.post("activate", ":token", use: activate)
        routes.get("status", ":token", "withdraw", use: confirmWithdrawal)
        routes.post("status", ":token", "withdraw", use: withdraw)
    }

    /// The request behind a usable activation link.
    private func requestForActivation(_ req: Request) async throws -> (RegistrationRequestModel, ActivationTokenModel)? {
        let token = req.parameters.get("token") ?? ""
        guard SecureToken.isWellFormed(token),
              let row = try await ActivationTokenModel.query(on: req.db).filter(\.$tokenHash == TokenDigest.hex(token)).first(),
              row.voidedAt == nil,
              TokenPolicy.isUsable(expiresAt: row.expiresAt, usedAt: row.usedAt, now: req.ams.clock.now),
              let request = try await RegistrationService(services: req.ams, database: req.db).load(row.$request.id),
              [.activationSent, .dataReturned].contains(request.status)
        else { return nil }
        return (request, row)
    }

    @Sendable func showActivation(req: Request) async throws -> Response {
        guard let (request, _) = try await requestForActivation(req) else {
            return try await req.renderPage("activate", titleKey: "activate_title",
                                            page: ActivationPage(valid: false, intro: "", action: "", form: [:], errors: FormErrors(), done: false),
                                            status: .notFound)
        }
        let form = ["birthPlace": request.birthPlace ?? "", "birthDate": request.birthDate ?? "", "address": request.address ?? "",
                    "givenName": request.givenName ?? "", "surname": request.surname ?? ""]
        return try await req.renderPage("activate", titleKey: "activate_title", page: ActivationPage(
            valid: true, intro: req.localized("activate_intro", ["tracking": request.trackingNumber]), action: req.url.path,
            form: form, errors: FormErrors(), done: false, asksNameParts: Self.asksNameParts(req)))
    }

    @Sendable func activate(req: Request) async throws -> Response {
        guard let (request, _) = try await requestForActivation(req) else {
            return try await req.renderPage("activate", titleKey: "activate_title",
                                            page: ActivationPage(valid: false, intro: "", action: "", form: [:], errors: FormErrors(), done: false),
                                            status: .notFound)
        }
        let form = try req.content.decode(ActivationForm.self)
        var errors = FormErrors()
        let birthPlace = RegistrationService.plainText(form.birthPlace ?? "", range: 2...FieldLimit.birthPlace)
        if birthPlace == nil { errors.fields["birthPlace"] = req.localized("error_text_range", ["min": "2", "max": String(FieldLimit.birthPlace)]) }
        let birthDate = (form.birthDate ?? "").trimmingCharacters(in: .whitespaces)
        if let nip = NIP(request.nip) {
            let expected = String(format: "%04d-%02d-%02d", nip.birthYear, nip.birthMonth, nip.birthDay)
            if birthDate != expected { errors.fields["birthDate"] = req.localized("error_birth_date_mismatch") }
        }
        let address = RegistrationService.multilineText(form.address ?? "", range: 5...FieldLimit.address, lines: Self.addressLines)
        if address == nil {
            errors.fields["address"] = req.localized("error_address", ["min": "5", "max": String(FieldLimit.address), "lines": String(Self.addressLines)])
        }
        // given name and surname, when the profile names them: at least one; each a name of at most 64 characters
        let asksNameParts = Self.asksNameParts(req)
        var givenName: String?, surname: String?
        if asksNameParts {
            let given = form.givenName.clipped(FieldLimit.personName).trimmingCharacters(in: .whitespaces)
            let family = form.surname.clipped(FieldLimit.personName).trimmingCharacters(in: .whitespaces)
            givenName = NamePart(given)?.value
            surname = NamePart(family)?.value
            if !given.isEmpty, givenName == nil { errors.fields["givenName"] = req.localized("error_name_part_invalid") }
            if !family.isEmpty, surname == nil { errors.fields["surname"] = req.localized("error_name_part_invalid") }
            if given.isEmpty, family.isEmpty { errors.fields["givenName"] = req.localized("error_name_part_required") }
        }
        if form.acceptTerms != "yes" { errors.fields["acceptTerms"] = req.localized("error_terms_required") }
        let kept = ["birthPlace": form.birthPlace.clipped(FieldLimit.birthPlace), "birthDate": String(birthDate.prefix(10)),
                    "address": form.address.clipped(FieldLimit.address), "givenName": form.givenName.clipped(NamePart.maximumLength * 2),
                    "surname": form.surname.clipped(NamePart.maximumLength * 2)]
        guard errors.isEmpty, let birthPlace, let address else {
            errors.summary = req.localized("error_form_has_errors")
            return try await req.renderPage("activate", titleKey: "activate_title", page: ActivationPage(
                valid: true, intro: req.localized("activate_intro", ["tracking": request.trackingNumber]), action: req.url.path,
                form: kept, errors: errors, done: false, asksNameParts: asksNameParts), status: .unprocessableEntity)
        }
        let now = req.ams.clock.now
        try await RegistrationService(services: req.ams, database: req.db).transition(
            request, .init(event: .completeData, reason: nil, note: nil, expectedVersion: request.version), by: .applicant,
            context: req.auditContext) { [givenName, surname] request in
                request.birthPlace = birthPlace
                request.birthDate = birthDate
                request.address = address
                request.givenName = givenName
                request.surname = surname
                request.termsAcceptedAt = now
            }
        return try await req.renderPage("activate", titleKey: "activate_title", page: ActivationPage(
            valid: true, intro: "", action: "", form: [:], errors: FormErrors(), done: true))
    }

    /// Lines an office address may have (street, building, district, city, province, postcode).
    static let addressLines = 6

    /// Whether holders' certificates name given name and surname (the ETSI natural-person profile).
    static func asksNameParts(_ req: Request) -> Bool {
        req.ams.certificateProfile.subjectRule == .naturalPerson
    }

    /// The confirmation page of a withdrawal: what it means, and the button that does it (no script).
    @Sendable func confirmWithdrawal(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let request = try await RegistrationService(services: req.ams, database: req.db).request(forStatusToken: token),
              !request.status.isClosed else { throw DomainError.notFound }
        return try await req.renderPage("status-withdraw", titleKey: "withdraw_title",
                                        page: WithdrawPage(token: token, version: request.version,
                                                           body: req.localized("withdraw_body", ["tracking": request.trackingNumber])))
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let service = RegistrationService(services: req.ams, database: req.db)
        guard let request = try await service.request(forStatusToken: token) else { throw DomainError.notFound }
        let version = (try? req.content.get(Int.self, at: "version")) ?? request.version
        try await service.transition(request, .init(event: .withdraw, reason: nil, note: nil, expectedVersion: version),
                                     by: .applicant, context: req.auditContext)
        return req.redirect(to: "/status/\(token)?notice=request_withdrawn")
    }
}
