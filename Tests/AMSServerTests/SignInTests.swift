@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

@Suite("Sign-in, forced password change and sign-out (SOP steps 5–7)")
struct SignInTests {
    @Test(arguments: TestDatabase.all)
    func newAccountSignsInWithMailedPasswordAndMustChangeIt(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an administrator creates an auditor account; the initial password is mailed
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let created = try await admin.post("/admin/users", form: [
                "username": "ani.auditor", "email": "ani@bssn.go.id", "fullName": "Ani Wulandari", "role": "auditor", "locale": "id",
            ], from: "/admin/users/new")
            #expect(created.status == .seeOther)
            let initial = try #require(try await t.initialPassword(for: "ani@bssn.go.id"))
            #expect(initial.count == 8)
            // act: the new user signs in
            let browser = t.browser()
            let signIn = try await browser.signIn("ani.auditor", initial)
            // check: forced to change-password; every other page redirects there
            #expect(signIn.status == .seeOther)
            #expect(signIn.location == "/password/change")
            for path in ["/dashboard", "/audit", "/admin/users"] {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther)
                #expect(page.location == "/password/change")
            }
            // the initial password itself is refused as the new one
            let same = try await browser.post("/password/change", form: [
                "currentPassword": initial, "newPassword": initial, "confirmPassword": initial])
            #expect(same.status == .unprocessableEntity)
            let changed = try await browser.post("/password/change", form: [
                "currentPassword": initial, "newPassword": "sawah hijau membentang luas", "confirmPassword": "sawah hijau membentang luas"])
            #expect(changed.location == "/dashboard?notice=password_changed")
            let dashboard = try await browser.get("/dashboard?notice=password_changed")
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.string.contains("Kata sandi berhasil diganti"))
            // the auditor's dashboard offers the audit log, and the audit page opens
            #expect(dashboard.body.string.contains("/audit"))
            #expect(try await browser.get("/audit").status == .ok)
            // a notice mail went out, and the initial password no longer works
            let notices = try await t.mails(to: "ani@bssn.go.id").filter { $0.template == "password_changed" }
            #expect(notices.count == 1)
            let again = try await t.browser().signIn("ani.auditor", initial)
            #expect(again.status == .unauthorized)
            let actions = try await t.auditActions()
            #expect(actions.contains("account.created"))
            #expect(actions.contains("account.password_changed"))
            #expect(actions.filter { $0 == "auth.sign_in.succeeded" }.count == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func expiredInitialPasswordIsRefused(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let account = try await AccountService(services: t.services, database: t.db).createAccount(
                .init(username: "rudi", email: "rudi@bssn.go.id", fullName: "Rudi Hartono", nik: "3171011203850004", role: "ca_operator"),
                context: .system())
            let initial = try #require(try await t.initialPassword(for: account.email))
            // act: 72 hours later
            t.clock.advance(by: 72 * 3600)
            let response = try await t.browser().signIn("rudi", initial)
            // check
            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains("kedaluwarsa"))
            #expect(try await t.auditActions().contains("auth.sign_in.failed"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func wrongCurrentPasswordIsRefusedAndNothingChanges(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let user = try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            // act
            let response = try await browser.post("/password/change", form: [
                "currentPassword": "not my password at all", "newPassword": "gunung api di kejauhan", "confirmPassword": "gunung api di kejauhan"])
            // check
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Kata sandi saat ini salah"))
            let stored = try #require(try await UserModel.find(user.id, on: t.db))
            #expect(try await t.services.passwordHashing.verify(TestApp.password, against: stored.passwordHash))
            #expect(try await t.auditActions().contains("account.password_change_failed"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func policyViolationsAreShownNextToTheField(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            let response = try await browser.post("/password/change", form: [
                "currentPassword": TestApp.password, "newPassword": "budi12345678", "confirmPassword": "different value"])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("id=\"newPassword-error\""))
            #expect(html.contains("tidak boleh memuat nama pengguna"))
            #expect(html.contains("id=\"confirmPassword-error\""))
        }
    }

    @Test(arguments: TestDatabase.all)
    func changingPasswordEndsOtherSessionsButKeepsThisOne(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: two browsers signed in as the same user
            try await t.user("budi", role: .caOperator)
            let laptop = t.browser(), phone = t.browser()
            try await laptop.signIn("budi", TestApp.password)
            try await phone.signIn("budi", TestApp.password)
            #expect(try await phone.get("/dashboard").status == .ok)
            // act
            let response = try await laptop.post("/password/change", form: [
                "currentPassword": TestApp.password, "newPassword": "gunung api di kejauhan", "confirmPassword": "gunung api di kejauhan"])
            // check
            #expect(response.status == .seeOther)
            #expect(try await laptop.get("/dashboard").status == .ok)
            let phonePage = try await phone.get("/dashboard")
            #expect(phonePage.status == .seeOther)
            #expect(phonePage.location?.hasPrefix("/login") == true)
            #expect(try await SessionModel.query(on: t.db).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func signInRotatesTheSessionIdAndSignOutDeletesIt(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an attacker plants a session cookie value in the victim's browser before sign-in
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.get("/login")
            let preSession = try #require(browser.cookies["ams_pre"])
            let planted = SecureToken(random: SystemRandomSource()).value
            browser.cookies["ams_session"] = planted
            // act
            try await browser.signIn("budi", TestApp.password)
            // check: a brand-new session id, unrelated to anything the browser carried
            let session = try #require(browser.cookies["ams_session"])
            #expect(session != planted && session != preSession)
            #expect(browser.cookies["ams_pre"] == nil)
            #expect(try await SessionModel.query(on: t.db).filter(\.$tokenHash == TokenDigest.hex(planted)).count() == 0)
            // signing in again from the same browser (an old tab's form) gives yet another id and ends the previous session
            let again = try await browser.post("/login", form: ["username": "budi", "password": TestApp.password], from: "/dashboard")
            #expect(again.status == .seeOther)
            let second = try #require(browser.cookies["ams_session"])
            #expect(second != session)
            #expect(try await SessionModel.query(on: t.db).count() == 1)
            // sign-out deletes it server-side: replaying the cookie afterwards gets nothing
            let out = try await browser.post("/logout", form: [:], from: "/dashboard")
            #expect(out.location == "/login?notice=signed_out")
            #expect(try await SessionModel.query(on: t.db).count() == 0)
            let replay = t.browser()
            replay.cookies["ams_session"] = second
            #expect(try await replay.get("/dashboard").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func sessionCookieIsHttpOnlySameSiteAndSecure(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let response = try await t.browser().signIn("budi", TestApp.password)
            let cookie = try #require(response.headers.setCookie?["ams_session"])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.isSecure)
            #expect(cookie.sameSite == .lax)
            #expect(cookie.maxAge == nil && cookie.expires == nil)
            let raw = response.headers[.setCookie].joined(separator: "\n")
            #expect(raw.contains("HttpOnly") && raw.contains("Secure") && raw.contains("SameSite=Lax"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func unknownAccountAndWrongPasswordGetTheSameAnswer(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let wrong = try await t.browser().signIn("budi", "definitely not it")
            let unknown = try await t.browser().signIn("nobody", "definitely not it")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.body.string.contains("Nama pengguna atau kata sandi salah"))
            #expect(unknown.body.string.contains("Nama pengguna atau kata sandi salah"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func disabledAccountCannotSignIn(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let user = try await t.user("budi", role: .caOperator)
            user.isActive = false
            try await user.save(on: t.db)
            let response = try await t.browser().signIn("budi", TestApp.password)
            #expect(response.status == .unauthorized)
            #expect(response.headers.setCookie?["ams_session"] == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func signInReturnsToTheRequestedLocalPageOnly(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("ani", role: .auditor)
            let browser = t.browser()
            let bounced = try await browser.get("/audit")
            #expect(bounced.location == "/login?notice=sign_in_required&next=%2Faudit")
            let ok = try await browser.post("/login", form: ["username": "ani", "password": TestApp.password, "next": "/audit"])
            #expect(ok.location == "/audit")
            let evil = t.browser()
            let redirected = try await evil.post("/login", form: ["username": "ani", "password": TestApp.password, "next": "//evil.example/x"])
            #expect(redirected.location == "/dashboard")
        }
    }
}
