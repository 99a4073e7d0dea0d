@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

/// Security finding (medium): a borrowed session became a takeover — `/profile` changed the e-mail without the
/// password and without telling the old address, and a password reset then went to the new one.
@Suite("Changing the e-mail address needs the password and a link confirmed at the new address")
struct EmailChangeTests {
    @Test(arguments: TestDatabase.all)
    func aBorrowedSessionCannotMoveTheAccountsMail(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a verified holder whose session someone else has for a moment
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let old = holder.email
            let new = "siti.baru@sumbarprov.go.id"
            let borrowed = t.browser()
            try await borrowed.signIn(holder.username, TestApp.password)
            let form = ["fullName": holder.fullName, "position": holder.position ?? "", "email": new]
            // act, check: without the password, or with a wrong one, nothing changes and nothing is mailed
            for password in ["", "tebakan yang salah"] {
                let refused = try await borrowed.post("/profile", form: form.merging(["currentPassword": password]) { $1 }, from: "/profile")
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Kata sandi salah"))
            }
            #expect(try await UserModel.find(holder.id, on: t.db)?.email == old)
            #expect(try await t.mails(to: new).isEmpty)
            // with the password: still the old address until the link mailed to the new one is followed; the old is told
            let asked = try await borrowed.post("/profile", form: form.merging(["currentPassword": TestApp.password]) { $1 }, from: "/profile")
            #expect(asked.location == "/profile?notice=email_change_sent")
            #expect(try await UserModel.find(holder.id, on: t.db)?.email == old)
            #expect(try await t.mails(to: old).contains { $0.template == "email_change_notice" && $0.body.contains(new) })
            // a password reset meanwhile still goes to the old address only
            try await t.browser().post("/password/forgot", form: ["identifier": new])
            #expect(try await t.mails(to: new).allSatisfy { $0.template == "email_change_confirm" })
            // the new address confirms with a button (the link alone changes nothing)
            let mail = try #require(try await t.mails(to: new).first { $0.template == "email_change_confirm" })
            let path = try #require(RegistrationWorkflowHTTPTests.path(after: "/profile/email/", in: mail.body))
            let visitor = t.browser()
            #expect(try await visitor.get(path).status == .ok)
            #expect(try await UserModel.find(holder.id, on: t.db)?.email == old)
            #expect(try await visitor.post(path, form: [:], from: path).status == .ok)
            let stored = try #require(try await UserModel.find(holder.id, on: t.db))
            #expect(stored.email == new && stored.reverificationRequired)
            #expect(try await t.mails(to: old).contains { $0.template == "email_changed" })
            #expect(try await borrowed.get("/dashboard").status == .seeOther, "the sessions end with the change")
            #expect(try await t.browser().post(path, form: [:], from: "/login").status == .notFound, "the link works once")
            // the operator re-verifying sees old → new
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let operatorBrowser = t.browser()
            try await operatorBrowser.signIn("op.sumbar", TestApp.password)
            #expect(try await operatorBrowser.get("/reverifications").body.string.contains("\(old) → \(new)"))
        }
    }
}
