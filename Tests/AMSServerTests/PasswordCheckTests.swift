@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Security findings about password checks outside sign-in (medium and low): every check of a signed-in user's
/// password counts in the sign-in throttle and answers alike, a password change rotates the session and voids reset
/// links, and what is typed into a user-name field is never recorded in clear.
@Suite("Password checks: one throttle, no oracle, nothing typed kept in clear")
struct PasswordCheckTests {
    static let newPassword = "pohon kelapa di pantai"

    @Test(arguments: TestDatabase.all)
    func changingThePasswordIsThrottledAndTellsNothingAboutTheCurrentOne(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let user = try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            func change(current: String, new: String) async throws -> BrowserResponse {
                try await browser.post("/password/change", form: ["currentPassword": current, "newPassword": new, "confirmPassword": new],
                                       from: "/password/change")
            }
            // act, check: a new password the policy refuses gets the same answer whether the current one is right or not
            let weakWithRight = try await change(current: TestApp.password, new: "pendek")
            let weakWithWrong = try await change(current: "bukan kata sandinya", new: "pendek")
            #expect(weakWithRight.status == weakWithWrong.status && weakWithRight.status == .unprocessableEntity)
            #expect(!weakWithRight.body.string.contains("Kata sandi saat ini salah") && !weakWithWrong.body.string.contains("Kata sandi saat ini salah"))
            // wrong current passwords count in the sign-in throttle: after three, even the right one is answered alike
            for _ in 0..<3 {
                #expect(try await change(current: "tebakan yang salah", new: Self.newPassword).status == .unprocessableEntity)
            }
            let right = try await change(current: TestApp.password, new: Self.newPassword)
            #expect(right.status == .unprocessableEntity && right.body.string.contains("salah"))
            #expect(try await UserModel.find(user.id, on: t.db)?.passwordHash == user.passwordHash)
            #expect(try await t.browser().signIn("budi", TestApp.password).status == .tooManyRequests)
            let reasons = try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.password_change_failed").all()
                .map { AuditRecord.details(fromJSON: $0.details)["reason"] }
            #expect(reasons == ["wrong_password", "wrong_password", "wrong_password", "throttled"])
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCertificatePasswordCheckCountsInTheSameThrottle(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.certificateAuthority()
            let holder = try await t.verifiedHolder(agency: try await t.agency())
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // act: guesses through the certificate request form
            for _ in 0..<3 {
                let guess = try await browser.postMultipart("/certificates/new", fields: [
                    "method": "generated", "passphrase": TestApp.passphrase, "passphraseConfirmation": TestApp.passphrase,
                    "password": "tebakan yang salah"], files: [:], from: "/certificates/new")
                #expect(guess.status == .unprocessableEntity)
            }
            // check: sign-in from the same address now waits, as after three wrong sign-ins
            #expect(try await t.browser().signIn(holder.username, TestApp.password).status == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPasswordChangeRotatesTheSessionAndVoidsResetLinks(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a reset link was asked for, then the owner changes the password the normal way
            let user = try await t.user("budi", role: .caOperator)
            try await t.browser().post("/password/forgot", form: ["identifier": user.email])
            let resetPath = try #require(try await t.resetPath(for: user.email))
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            let before = try #require(browser.cookies[Cookies.session])
            // act
            let changed = try await browser.post("/password/change", form: [
                "currentPassword": TestApp.password, "newPassword": Self.newPassword, "confirmPassword": Self.newPassword],
                from: "/password/change")
            // check: a new session id, the old one gone, and the older reset link no longer works
            #expect(changed.status == .seeOther)
            let after = try #require(browser.cookies[Cookies.session])
            #expect(after != before)
            #expect(try await browser.get("/dashboard").status == .ok)
            let stale = t.browser()
            stale.cookies[Cookies.session] = before
            #expect(try await stale.get("/dashboard").status == .seeOther)
            #expect(try await t.browser().get(resetPath).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func whatIsTypedAsAUserNameIsNotKeptInClear(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("budi", role: .caOperator)
            let typed = "Kata Sandi Rahasia 9!"
            // act: a password typed into the user-name field, at sign-in and at the reset form
            #expect(try await t.browser().signIn(typed, "anything at all").status == .unauthorized)
            try await t.browser().post("/password/forgot", form: ["identifier": typed])
            // check: neither the audit log (nor its CSV) nor the throttle's table holds it
            let entries = try await AuditEntryModel.query(on: t.db).all()
            #expect(entries.contains { $0.action == "auth.sign_in.failed" })
            for entry in entries {
                #expect(!entry.targetID.lowercased().contains("rahasia") && !entry.details.lowercased().contains("rahasia"), "\(entry.action)")
            }
            let attempts = try await LoginAttemptModel.query(on: t.db).all()
            #expect(!attempts.isEmpty && attempts.allSatisfy { !$0.accountKey.lowercased().contains("rahasia") })
        }
    }
}
