@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Newcomer finding (registration): a request for a person who already has an account travelled to the CA's last
/// step, failed there, and stayed stuck with its button offered. Such a request is refused where it is entered (the
/// public form answers as always and tells the account's owner), and operators can close a stuck request with a reason.
@Suite("Requests for people who already have an account; closing a request that cannot go on")
struct ExistingAccountTests {
    @Test(arguments: TestDatabase.all)
    func anOperatorOrTheAPIIsToldAtEntryThatTheAccountExists(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: Siti already has her account (user name = her NIP)
            let agency = try await t.agency()
            try await t.user(RegistrationRequestTests.fields["nip"]!, role: .applicant, agency: agency, email: "siti.lama@sumbarprov.go.id")
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            let desk = t.browser()
            try await desk.signIn("op.sumbar", TestApp.password)
            // act: the agency operator enters a request for her at the desk
            var fields = RegistrationRequestTests.fields
            fields["agencyID"] = agency.id!.uuidString
            let entered = try await desk.postMultipart("/requests/new", fields: fields, files: RegistrationRequestTests.files(), from: "/requests/new")
            // check: refused at once, pointing to the password reset; nothing recorded
            #expect(entered.status == .unprocessableEntity && entered.body.string.contains("sudah memiliki akun AMS"))
            #expect(entered.body.string.contains("Lupa kata sandi"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func thePublicFormAnswersAsAlwaysAndTellsTheAccountsOwner(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let owner = try await t.user(RegistrationRequestTests.fields["nip"]!, role: .applicant, agency: agency,
                                         email: "siti.lama@sumbarprov.go.id")
            var fields = RegistrationRequestTests.fields
            fields["agencyID"] = agency.id!.uuidString
            // act
            let answer = try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(), from: "/register")
            // check: the answer a new request gets; nothing recorded; the owner is mailed at the account's address only
            #expect(answer.status == .seeOther && answer.headers.first(name: .location) == "/register/submitted")
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            let notice = try #require(try await t.mails(to: owner.email).first { $0.template == "account_exists" })
            #expect(notice.body.contains(owner.username) && notice.body.contains("/password/forgot"))
            #expect(try await t.mails(to: fields["email"]!).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aStuckRequestIsClosedWithAReasonByTheOperatorItLiesWith(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a request waiting for the CA's verification, whose applicant got an account some other way meanwhile
            let agency = try await t.agency()
            let request = try await t.submittedRequest(agency: agency)
            request.status = .agencyConfirmed
            request.currentStep = .verification
            try await request.save(on: t.db)
            try await t.user(request.nip, role: .applicant, agency: agency, email: "siti.lama@sumbarprov.go.id")
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            try await t.user("ca.bssn", role: .caOperator, nik: "3171010101800002")
            let (agencyDesk, caDesk) = (t.browser(), t.browser())
            try await agencyDesk.signIn("op.sumbar", TestApp.password)
            try await caDesk.signIn("ca.bssn", TestApp.password)
            let page = "/requests/\(request.id!.uuidString)"
            func close(_ browser: TestBrowser, code: String, reason: String) async throws -> BrowserResponse {
                try await browser.post(page + "/actions", form: ["event": "close", "version": String(request.version), "reasonCode": code,
                                                                 "reason": reason], from: page)
            }
            // the CA's verification fails (the account exists); the page offers "close" to the CA operator only
            #expect(try await caDesk.get(page).body.string.contains("value=\"close\""))
            #expect(!(try await agencyDesk.get(page).body.string.contains("value=\"close\"")))
            #expect(try await close(agencyDesk, code: "account_exists", reason: "").status == .forbidden)
            #expect(try await close(caDesk, code: "other", reason: "").status == .unprocessableEntity)
            // act
            let closed = try await close(caDesk, code: "account_exists", reason: "")
            // check: closed, out of the queue, the applicant told why
            #expect(closed.status == .seeOther)
            let stored = try #require(try await RegistrationRequestModel.find(request.id, on: t.db))
            #expect(stored.status == .closed && stored.lastReasonCode == "account_exists" && stored.currentStep == nil)
            #expect(!(try await caDesk.get("/requests").body.string.contains(request.trackingNumber)))
            let mail = try #require(try await t.mails(to: request.email).first { $0.template == "request_closed" })
            #expect(mail.body.contains("Pemohon sudah memiliki akun AMS"))
        }
    }
}
