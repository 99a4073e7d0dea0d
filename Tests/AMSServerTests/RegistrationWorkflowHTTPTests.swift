@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import NIOPosix
import Testing
import VaporTesting

@Suite("The SOP registration workflow over HTTP (steps 1–7)")
struct RegistrationWorkflowHTTPTests {
    struct Cast {
        let agency: AgencyModel
        let otherAgency: AgencyModel
        let agencyOperator: TestBrowser
        let otherAgencyOperator: TestBrowser
        let caOperator: TestBrowser
    }

    private func cast(_ t: TestApp) async throws -> Cast {
        let agency = try await t.agency()
        let other = try await t.agency(code: "DISKOMINFO-RIAU", name: "Diskominfo Provinsi Riau", domains: ["riau.go.id"])
        try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
        try await t.user("op.riau", role: .agencyOperator, agency: other)
        try await t.user("ca.bssn", role: .caOperator)
        let (a, o, c) = (t.browser(), t.browser(), t.browser())
        try await a.signIn("op.sumbar", TestApp.password)
        try await o.signIn("op.riau", TestApp.password)
        try await c.signIn("ca.bssn", TestApp.password)
        return Cast(agency: agency, otherAgency: other, agencyOperator: a, otherAgencyOperator: o, caOperator: c)
    }

    /// Submits the sample request; returns it and its status page path.
    private func submit(_ t: TestApp, agency: AgencyModel) async throws -> (RegistrationRequestModel, String) {
        var fields = RegistrationRequestTests.fields
        fields["agencyID"] = agency.id!.uuidString
        #expect(try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(), from: "/register").status == .seeOther)
        let request = try #require(try await RegistrationRequestModel.query(on: t.db).first())
        let mail = try #require(try await t.mails(to: request.email).first { $0.template == "request_received" })
        return (request, try #require(Self.path(after: "/status/", in: mail.body)))
    }

    static func path(after prefix: String, in text: String) -> String? {
        guard let range = text.range(of: prefix) else { return nil }
        return prefix + text[range.upperBound...].prefix { !$0.isWhitespace }
    }

    private func act(_ browser: TestBrowser, _ t: TestApp, _ event: RegistrationEvent, reasonCode: String? = nil, reason: String? = nil,
                     version: Int? = nil) async throws -> BrowserResponse {
        let request = try #require(try await RegistrationRequestModel.query(on: t.db).first())
        var form = ["event": event.rawValue, "version": String(version ?? request.version)]
        if event == .forwardToCA { for box in ["checkLetterSigned", "checkDecreeMatches", "checkEmailOfficial"] { form[box] = "yes" } }
        if let reasonCode { form["reasonCode"] = reasonCode }
        if let reason { form["reason"] = reason }
        return try await browser.post("/requests/\(request.id!.uuidString)/actions", form: form, from: "/requests/\(request.id!.uuidString)")
    }

    @Test(arguments: TestDatabase.all)
    func fullSOPRunFromRequestToFirstSignIn(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let cast = try await cast(t)
            // step 1
            let (request, statusPath) = try await submit(t, agency: cast.agency)
            // step 2: the agency operator sees it, returns it once with a reason
            let queue = try await cast.agencyOperator.get("/requests")
            #expect(queue.body.string.contains(request.trackingNumber))
            #expect(try await cast.otherAgencyOperator.get("/requests").body.string.contains(request.trackingNumber) == false)
            #expect(try await cast.caOperator.get("/requests/\(request.id!.uuidString)").status == .notFound)
            let returned = try await act(cast.agencyOperator, t, .returnToApplicant, reasonCode: "letter_unsigned", reason: "Mohon tanda tangan basah")
            #expect(returned.status == .seeOther)
            let status = try await t.browser().get(statusPath)
            #expect(status.body.string.contains("Surat rekomendasi belum ditandatangani kepala unit: Mohon tanda tangan basah"))
            // the stepper: the agency check is the stage in progress and it is the applicant's turn, said in words;
            // the progress mail carries the status link itself
            #expect(status.body.string.contains("<li class=\"stage-current\" aria-current=\"step\"><span class=\"stage-label\">Pemeriksaan operator instansi"))
            #expect(status.body.string.contains("Giliran Anda: perbaiki permohonan"))
            let returnedMail = try #require(try await t.mails(to: request.email).first { $0.template == "request_returned" })
            #expect(returnedMail.body.contains(t.services.configuration.publicBaseURL + statusPath))
            // a resubmission that changes nothing (the same fields, the same letter again) is refused and records nothing
            let applicant = t.browser()
            let unchanged = try await applicant.postMultipart(statusPath + "/resubmit",
                fields: ["phone": "081234567890", "unit": "Bidang Persandian", "position": "Pranata Komputer Ahli Muda"],
                files: ["recommendationLetter": ("surat-lagi.pdf", SampleDocuments.pdf())], from: statusPath)
            #expect(unchanged.status == .unprocessableEntity && unchanged.body.string.contains("Belum ada yang diubah"))
            #expect(try await RegistrationAttachmentModel.query(on: t.db).count() == 2)
            // the applicant resubmits with a new letter; the first one is kept, and a notice confirms it
            let resubmitted = try await applicant.postMultipart(statusPath + "/resubmit",
                fields: ["phone": "081234567890", "unit": "Bidang Persandian", "position": "Pranata Komputer Ahli Muda"],
                files: ["recommendationLetter": ("surat-bertanda-tangan.pdf", SampleDocuments.pdf("Ditandatangani"))], from: statusPath)
            #expect(resubmitted.status == .seeOther && resubmitted.headers.first(name: .location) == statusPath + "?notice=request_resubmitted")
            #expect(try await applicant.get(statusPath + "?notice=request_resubmitted").body.string.contains("Perbaikan Anda terkirim"))
            #expect(try await RegistrationAttachmentModel.query(on: t.db).count() == 3)
            let resubmission = try #require(try await RegistrationEventModel.query(on: t.db).filter(\.$event == "resubmit").first())
            #expect(resubmission.note == nil && resubmission.changes?.contains("\"recommendation_letter\"") == true)
            // forward to the CA
            #expect(try await act(cast.agencyOperator, t, .forwardToCA).status == .seeOther)
            // the timeline says what changed and what the checklist confirmed in the reader's words, not in codes
            let requestPage = "/requests/\(request.id!.uuidString)"
            let inIndonesian = try await cast.agencyOperator.get(requestPage).body.string
            #expect(inIndonesian.contains("Surat rekomendasi: versi 2") && !inIndonesian.contains("recommendation_letter: r2"))
            #expect(inIndonesian.contains("Daftar periksa lengkap: SK Jabatan sesuai"))
            _ = try await cast.agencyOperator.get("/lang/en?next=%2F")
            let inEnglish = try await cast.agencyOperator.get(requestPage).body.string
            #expect(inEnglish.contains("Recommendation letter: revision 2") && inEnglish.contains("Checklist complete: "))
            _ = try await cast.agencyOperator.get("/lang/id?next=%2F")
            // step 3: the CA operator registers the identity; the activation link is mailed
            #expect(try await cast.caOperator.get("/requests").body.string.contains(request.trackingNumber))
            #expect(try await act(cast.caOperator, t, .registerIdentity).status == .seeOther)
            let activationMail = try #require(try await t.mails(to: request.email).first { $0.template == "activation_link" })
            let activationPath = try #require(Self.path(after: "/activate/", in: activationMail.body))
            // step 3b: the applicant completes the data; the office address may take several lines, and a refusal
            // says the limits the field has
            let tooLong = try await applicant.post(activationPath, form: [
                "birthPlace": "Padang", "birthDate": "1990-05-05", "address": String(repeating: "Jl. Sudirman ", count: 30), "acceptTerms": "yes"])
            #expect(tooLong.status == .unprocessableEntity && tooLong.body.string.contains("Isi 5–300 karakter, paling banyak 6 baris"))
            #expect(tooLong.body.string.contains("maxlength=\"300\""))
            let done = try await applicant.post(activationPath, form: [
                "birthPlace": "Padang", "birthDate": "1990-05-05", "address": "Kantor Gubernur Sumatera Barat\r\nJl. Jend. Sudirman No. 51\r\n\r\nPadang 25121",
                "acceptTerms": "yes"])
            #expect(done.status == .ok)
            #expect(done.body.string.contains("Data Anda terkirim"))
            #expect(try await t.browser().get(activationPath).status == .notFound)  // single use
            // step 4: agency confirms, CA verifies; step 5: the account exists and the password is mailed
            #expect(try await act(cast.agencyOperator, t, .confirmData).status == .seeOther)
            #expect(try await act(cast.caOperator, t, .verify).status == .seeOther)
            let stored = try #require(try await RegistrationRequestModel.query(on: t.db).first())
            #expect(stored.status == .verified && stored.birthPlace == "Padang")
            // the status page now shows every stage done and a way to sign in
            let verifiedStatus = try await t.browser().get(statusPath).body.string
            #expect(verifiedStatus.contains("href=\"/login\">Masuk ke AMS</a>") && !verifiedStatus.contains("stage-current"))
            #expect(stored.address == "Kantor Gubernur Sumatera Barat\nJl. Jend. Sudirman No. 51\nPadang 25121")
            let account = try #require(try await UserModel.query(on: t.db).filter(\.$username == request.nip).first())
            #expect(account.role == .applicant && account.$agency.id == cast.agency.id && account.nik == request.nik)
            #expect(account.identityVerifiedAt != nil && account.position == "Pranata Komputer Ahli Muda" && account.mayBeIssuedCertificate)
            let initial = try #require(try await t.initialPassword(for: request.email))
            // steps 6–7: sign in, forced change, dashboard
            let browser = t.browser()
            #expect(try await browser.signIn(request.nip, initial).location == "/password/change")
            let changed = try await browser.post("/password/change", form: [
                "currentPassword": initial, "newPassword": "tanda tangan elektronik aman", "confirmPassword": "tanda tangan elektronik aman"])
            #expect(changed.location == "/dashboard?notice=password_changed")
            #expect(try await browser.get("/dashboard").body.string.contains("Siti Rahmawati"))
            // the SLA timings were recorded for every step
            let timings = try await StepTimingModel.query(on: t.db).all()
            #expect(Set(timings.map(\.step)) == Set(WorkflowStep.allCases))
            #expect(timings.allSatisfy { $0.endedAt != nil })
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
        }
    }

    @Test(arguments: TestDatabase.all)
    func fullSOPRunWithMailsFromTheRealSMTPServer(db: TestDatabase) async throws {
        let server = try SMTPTestServer()
        try server.start()
        defer { server.stop() }
        let transport = SMTPTransport(settings: SMTPSettings(host: "127.0.0.1", port: server.port, security: .none,
                                                             senderAddress: "no-reply@ams.test.go.id", timeoutSeconds: 5),
                                      group: MultiThreadedEventLoopGroup.singleton)
        try await TestApp.with(db, mailTransport: transport) { t in
            // Mail reaches the applicant only through SMTP: deliver, then read what the server received.
            func received(_ prefix: String) async throws -> String? {
                _ = try await t.app.outboxDeliverer?.deliverDue(on: t.db)
                return try server.received().reversed().lazy.compactMap { mail in
                    mail.body.split(separator: "\n").lazy.compactMap { line -> String? in
                        if prefix.hasPrefix("/") { return Self.path(after: prefix, in: String(line)) }
                        return line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
                    }.first
                }.first
            }
            let cast = try await cast(t)
            var fields = RegistrationRequestTests.fields
            fields["agencyID"] = cast.agency.id!.uuidString
            #expect(try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(),
                                                        from: "/register").status == .seeOther)
            let statusPath = try #require(try await received("/status/"))
            #expect(try await t.browser().get(statusPath).status == .ok)
            #expect(try await act(cast.agencyOperator, t, .forwardToCA).status == .seeOther)
            #expect(try await act(cast.caOperator, t, .registerIdentity).status == .seeOther)
            let activationPath = try #require(try await received("/activate/"))
            let done = try await t.browser().post(activationPath, form: [
                "birthPlace": "Padang", "birthDate": "1990-05-05", "address": "Jl. Jend. Sudirman No. 51, Padang", "acceptTerms": "yes"])
            #expect(done.body.string.contains("Data Anda terkirim"))
            #expect(try await act(cast.agencyOperator, t, .confirmData).status == .seeOther)
            #expect(try await act(cast.caOperator, t, .verify).status == .seeOther)
            let username = try #require(try await received("Nama pengguna: "))
            let initial = try #require(try await received("Kata sandi awal: "))
            #expect(username == "199005052015032001" && initial.count == 8)
            let browser = t.browser()
            #expect(try await browser.signIn(username, initial).location == "/password/change")
            let changed = try await browser.post("/password/change", form: [
                "currentPassword": initial, "newPassword": "tanda tangan elektronik aman", "confirmPassword": "tanda tangan elektronik aman"])
            #expect(changed.location == "/dashboard?notice=password_changed")
            #expect(try await browser.get("/dashboard").status == .ok)
            // every queued mail went out exactly once, and no body is left in the outbox
            _ = try await t.app.outboxDeliverer?.deliverDue(on: t.db)
            let rows = try await OutboxMessageModel.query(on: t.db).all()
            #expect(rows.allSatisfy { $0.status == .sent && $0.sealedBody == nil })
            #expect(try server.received().count == rows.count)
        }
    }

    @Test(arguments: TestDatabase.all)
    func reasonsFitTheStageOtherNeedsAnExplanationAndEachReaderSeesTheirLanguage(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, statusPath) = try await submit(t, agency: cast.agency)
            // the document-stage return offers document reasons only
            let page = try await cast.agencyOperator.get("/requests/\(request.id!.uuidString)").body.string
            let returnForm = try #require(page.range(of: "reasonCode-return_to_applicant").map { String(page[$0.upperBound...].prefix(2000)) })
            #expect(returnForm.contains("value=\"letter_unsigned\"") && !returnForm.contains("value=\"birth_data_mismatch\""))
            // act: "other" without an explanation, a data-stage reason at the document stage: both refused, nothing changes
            let bare = try await act(cast.agencyOperator, t, .returnToApplicant, reasonCode: "other", reason: " ")
            #expect(bare.status == .unprocessableEntity && bare.body.string.contains("Lainnya"))
            let wrongStage = try await act(cast.agencyOperator, t, .returnToApplicant, reasonCode: "birth_data_mismatch", reason: "x")
            #expect(wrongStage.status == .unprocessableEntity)
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .submitted)
            // a picked reason with an explanation is taken: the code is stored, the words follow each reader's language
            #expect(try await act(cast.agencyOperator, t, .returnToApplicant, reasonCode: "letter_unsigned", reason: "Belum ada tanda tangan basah")
                .status == .seeOther)
            let stored = try #require(try await RegistrationRequestModel.find(request.id, on: t.db))
            #expect(stored.lastReasonCode == "letter_unsigned" && stored.lastReason == "Belum ada tanda tangan basah")
            let applicant = t.browser()
            #expect(try await applicant.get(statusPath).body.string.contains("Surat rekomendasi belum ditandatangani kepala unit: Belum ada tanda tangan basah"))
            _ = try await applicant.get("/lang/en?next=%2F")
            #expect(try await applicant.get(statusPath).body.string.contains("The recommendation letter is not signed by the head of unit"))
            let mail = try #require(try await t.mails(to: request.email).first { $0.template == "request_returned" })
            #expect(mail.body.contains("Surat rekomendasi belum ditandatangani kepala unit: Belum ada tanda tangan basah"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func withdrawingAsksForConfirmationFirst(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, statusPath) = try await submit(t, agency: cast.agency)
            let applicant = t.browser()
            // the status page offers a link to a confirmation page, not a one-click form
            let status = try await applicant.get(statusPath).body.string
            #expect(status.contains("href=\"\(statusPath)/withdraw\"") && !status.contains("action=\"\(statusPath)/withdraw\""))
            let confirmation = try await applicant.get(statusPath + "/withdraw")
            #expect(confirmation.status == .ok && confirmation.body.string.contains("tidak dapat dibatalkan"))
            #expect(confirmation.body.string.contains("action=\"\(statusPath)/withdraw\"") && !confirmation.body.string.contains("<script"))
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .submitted)
            // act: confirmed
            let done = try await applicant.post(statusPath + "/withdraw", form: ["version": String(request.version)], from: statusPath + "/withdraw")
            // check
            #expect(done.location == statusPath + "?notice=request_withdrawn")
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .withdrawn)
            #expect(try await applicant.get(statusPath + "/withdraw").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func wrongRolesOtherAgenciesAndMissingReasonsAreRefused(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, _) = try await submit(t, agency: cast.agency)
            // another agency's operator cannot even see it; the CA cannot act before it is forwarded
            #expect(try await act(cast.otherAgencyOperator, t, .forwardToCA).status == .notFound)
            let ca = try await act(cast.caOperator, t, .registerIdentity)
            #expect(ca.status == .notFound)
            // a return without a reason is refused with a clear message
            let noReason = try await act(cast.agencyOperator, t, .returnToApplicant)
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("Pilih alasan yang sesuai"))
            // an operator cannot act on a request about themself
            let selfRequest = try #require(try await RegistrationRequestModel.find(request.id, on: t.db))
            selfRequest.email = "op.sumbar@sumbarprov.go.id"
            try await selfRequest.save(on: t.db)
            #expect(try await act(cast.agencyOperator, t, .forwardToCA).status == .forbidden)
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .submitted)
        }
    }

    @Test(arguments: TestDatabase.all)
    func agencyOperatorEntersARequestOnTheApplicantsBehalf(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            var fields = RegistrationRequestTests.fields
            fields["agencyID"] = cast.agency.id!.uuidString
            // act
            let form = try await cast.agencyOperator.get("/requests/new")
            #expect(form.body.string.contains("action=\"/requests/new\"") && !form.body.string.contains("Diskominfo Provinsi Riau"))
            // a signed-in operator is asked for no proof of work (that is the public form's)
            #expect(!form.body.string.contains("data-work-challenge") && !form.body.string.contains("form-work.js"))
            let entered = try await cast.agencyOperator.postMultipart("/requests/new", fields: fields, files: RegistrationRequestTests.files(),
                                                                      from: "/requests/new")
            // check
            let request = try #require(try await RegistrationRequestModel.query(on: t.db).with(\.$events).first())
            #expect(entered.location == "/requests/\(request.id!.uuidString)?notice=request_created")
            #expect(request.events.first?.level == "agency" && request.events.first?.actorName == "op.sumbar")
            #expect(try await t.mails(to: request.email).contains { $0.template == "request_received" })
            // an operator cannot enter requests for another agency, and the public cannot use this route
            fields["agencyID"] = cast.otherAgency.id!.uuidString
            fields["nik"] = "1371010101850003"; fields["nip"] = "198501012010011003"; fields["email"] = "budi@riau.go.id"
            let foreign = try await cast.agencyOperator.postMultipart("/requests/new", fields: fields, files: RegistrationRequestTests.files(),
                                                                      from: "/requests/new")
            #expect(foreign.status == .forbidden)
            #expect(try await t.browser().get("/requests/new").status == .seeOther)
            #expect(try await cast.caOperator.get("/requests/new").status == .forbidden)
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func forwardingNeedsTheWholeChecklist(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, _) = try await submit(t, agency: cast.agency)
            let detail = "/requests/\(request.id!.uuidString)"
            let page = try await cast.agencyOperator.get(detail)
            #expect(page.body.string.contains("name=\"checkLetterSigned\""))
            let partial = try await cast.agencyOperator.post(detail + "/actions", form: [
                "event": "forward_to_ca", "version": "1", "checkLetterSigned": "yes", "checkEmailOfficial": "yes"], from: detail)
            #expect(partial.status == .unprocessableEntity)
            #expect(partial.body.string.contains("Centang setiap butir daftar periksa"))
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .submitted)
            #expect(try await act(cast.agencyOperator, t, .forwardToCA).status == .seeOther)
            let event = try #require(try await RegistrationEventModel.query(on: t.db).filter(\.$event == "forward_to_ca").first())
            #expect(event.checklist == "decree_matches,email_official,letter_signed" && event.note == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func activationLinksExpireAndAreVoidedByANewOne(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, _) = try await submit(t, agency: cast.agency)
            #expect(try await act(cast.agencyOperator, t, .forwardToCA).status == .seeOther)
            #expect(try await act(cast.caOperator, t, .registerIdentity).status == .seeOther)
            let first = try #require(try await t.mails(to: request.email).first { $0.template == "activation_link" }.flatMap { Self.path(after: "/activate/", in: $0.body) })
            // a resend voids the first link
            t.clock.advance(by: 1)
            #expect(try await act(cast.caOperator, t, .resendActivation).status == .seeOther)
            let second = try #require(try await t.mails(to: request.email).first { $0.template == "activation_link" }.flatMap { Self.path(after: "/activate/", in: $0.body) })
            #expect(first != second)
            #expect(try await t.browser().get(first).status == .notFound)
            #expect(try await t.browser().get(second).status == .ok)
            // after seven days the second one has expired too
            t.clock.advance(by: 7 * 86400)
            let expired = try await t.browser().get(second)
            #expect(expired.status == .notFound)
            #expect(expired.body.string.contains("kedaluwarsa"))
            #expect(try await ActivationTokenModel.query(on: t.db).filter(\.$voidedAt != nil).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aStaleVersionLosesWithAClearMessage(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            try await t.user("op2.sumbar", role: .agencyOperator, agency: cast.agency)
            let second = t.browser()
            try await second.signIn("op2.sumbar", TestApp.password)
            let (request, _) = try await submit(t, agency: cast.agency)
            // both loaded version 1; the first forwards, the second tries to return
            #expect(try await act(cast.agencyOperator, t, .forwardToCA, version: 1).status == .seeOther)
            let late = try await act(second, t, .returnToApplicant, reasonCode: "other", reason: "x", version: 1)
            #expect(late.status == .conflict)
            #expect(late.body.string.contains("baru saja diubah oleh orang lain"))
            #expect(try await RegistrationRequestModel.find(request.id, on: t.db)?.status == .forwardedToCA)
        }
    }

    @Test(arguments: TestDatabase.all)
    func twoSimultaneousForwardsHaveExactlyOneWinner(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, _) = try await submit(t, agency: cast.agency)
            let operatorUser = try #require(try await UserModel.query(on: t.db).filter(\.$username == "op.sumbar").first())
            let service = RegistrationService(services: t.services, database: t.db)
            let loaded = try #require(try await service.load(request.id!))
            let again = try #require(try await service.load(request.id!))
            async let first: Result<RegistrationStatus, any Error> = Result(catching: {
                try await service.transition(loaded, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                                  checklist: Set(AgencyChecklistItem.allCases)),
                                             by: .operatorAccount(operatorUser), context: .system())
            })
            async let second: Result<RegistrationStatus, any Error> = Result(catching: {
                try await service.transition(again, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                                  checklist: Set(AgencyChecklistItem.allCases)),
                                             by: .operatorAccount(operatorUser), context: .system())
            })
            let results = await [first, second]
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            #expect(results.contains { if case .failure(let error) = $0 { return (error as? DomainError) == .staleVersion } else { return false } })
            #expect(try await RegistrationEventModel.query(on: t.db).filter(\.$event == "forward_to_ca").count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func documentsDownloadOnlyForOperatorsWhoMaySeeTheRequest(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let cast = try await cast(t)
            let (request, _) = try await submit(t, agency: cast.agency)
            let attachment = try #require(try await RegistrationAttachmentModel.query(on: t.db).filter(\.$kind == .jobDecree).first())
            let path = "/requests/\(request.id!.uuidString)/attachments/\(attachment.id!.uuidString)"
            let ok = try await cast.agencyOperator.get(path)
            #expect(ok.status == .ok)
            #expect(Array(ok.body.readableBytesView) == SampleDocuments.pdf("SK Jabatan"))
            #expect(ok.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            #expect(ok.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(try await cast.otherAgencyOperator.get(path).status == .notFound)
            #expect(try await cast.caOperator.get(path).status == .notFound)
            #expect(try await t.browser().get(path).status == .seeOther)
            #expect(try await t.auditActions().contains("registration.attachment_downloaded"))
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
