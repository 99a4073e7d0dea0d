@testable import AMSServer
import AMSCore
import Fluent
import NIOHTTP1
import Testing
import Vapor
import VaporTesting

@Suite("CSRF, security headers and role checks")
struct WebSecurityTests {
    @Test(arguments: TestDatabase.all)
    func stateChangingFormsRefuseMissingOrWrongCSRFTokens(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("admin", role: .administrator)
            let browser = t.browser()
            try await browser.signIn("admin", TestApp.password)
            let other = t.browser()
            try await other.get("/login")
            let foreignToken = try #require(TestBrowser.csrfToken(in: other.lastPage))
            let form = ["code": "BKD-SUMBAR", "name": "BKD Provinsi Sumatera Barat", "domains": "bkd.sumbarprov.go.id"]
            // act + check: missing, wrong, and another browser's token are all refused and nothing is created
            for token in ["", "forged-token-value", foreignToken] {
                let response = try await browser.post("/admin/agencies", form: form, csrf: token)
                #expect(response.status == .forbidden)
                #expect(response.body.string.contains("Formulir ini kedaluwarsa"))
            }
            #expect(try await AgencyModel.query(on: t.db).count() == 0)
            #expect(try await t.auditActions().filter { $0 == "security.csrf_rejected" }.count == 3)
            // the right token works
            #expect(try await browser.post("/admin/agencies", form: form, from: "/admin/agencies/new").status == .seeOther)
            #expect(try await AgencyModel.query(on: t.db).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func signInFormNeedsItsCSRFTokenToo(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.get("/login")
            let response = try await browser.post("/login", form: ["username": "budi", "password": TestApp.password], csrf: "")
            #expect(response.status == .forbidden)
            #expect(response.headers.setCookie?["ams_session"] == nil)
            let cookieless = t.browser()
            let noCookie = try await cookieless.post("/login", form: ["username": "budi", "password": TestApp.password],
                                                     csrf: t.services.csrf.token(binding: "made-up-binding"))
            #expect(noCookie.status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyResponseCarriesSecurityHeaders(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.publicBaseURL = "https://ams.test.go.id" }) { t in
            try await t.user("admin", role: .administrator)
            let browser = t.browser()
            var responses = [try await browser.get("/login"), try await browser.get("/does-not-exist"), try await browser.get("/css/ams.css")]
            try await browser.signIn("admin", TestApp.password)
            responses.append(try await browser.get("/dashboard"))
            responses.append(try await browser.get("/admin/users/not-a-uuid"))
            for response in responses {
                let csp = response.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer")
                #expect(response.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
            }
            #expect(responses[1].status == .notFound)
            #expect(responses[1].body.string.contains("Tidak ditemukan"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func plainHTTPOnLocalhostDropsSecureAndHSTS(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: {
            $0.publicBaseURL = "http://127.0.0.1:8080"
            $0.cookieSecure = AppConfiguration.defaultCookieSecure(baseURL: $0.publicBaseURL)
        }) { t in
            let response = try await t.browser().get("/login")
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
            #expect(response.headers.setCookie?["ams_pre"]?.isSecure == false)
            #expect(AppConfiguration.defaultCookieSecure(baseURL: "http://ams.example.go.id"))
            #expect(AppConfiguration.defaultCookieSecure(baseURL: "https://localhost"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func rolesReachOnlyTheirPages(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: one account per role
            let agency = try await t.agency()
            try await t.user("admin", role: .administrator)
            try await t.user("ani", role: .auditor)
            try await t.user("caop", role: .caOperator)
            try await t.user("agop", role: .agencyOperator, agency: agency)
            try await t.user("pemohon", role: .applicant, agency: agency)
            let expectations: [(String, [String: HTTPStatus])] = [
                ("/admin/users", ["admin": .ok, "ani": .forbidden, "caop": .forbidden, "agop": .forbidden, "pemohon": .forbidden]),
                ("/admin/agencies", ["admin": .ok, "ani": .forbidden, "caop": .forbidden, "agop": .forbidden, "pemohon": .forbidden]),
                ("/admin/outbox", ["admin": .ok, "ani": .forbidden, "caop": .forbidden, "agop": .forbidden, "pemohon": .forbidden]),
                ("/audit", ["admin": .ok, "ani": .ok, "caop": .forbidden, "agop": .forbidden, "pemohon": .forbidden]),
                ("/audit/export.csv", ["admin": .ok, "ani": .ok, "caop": .forbidden, "agop": .forbidden, "pemohon": .forbidden]),
                ("/dashboard", ["admin": .ok, "ani": .ok, "caop": .ok, "agop": .ok, "pemohon": .ok]),
            ]
            for username in ["admin", "ani", "caop", "agop", "pemohon"] {
                let browser = t.browser()
                #expect(try await browser.signIn(username, TestApp.password).status == .seeOther)
                for (path, outcomes) in expectations {
                    let response = try await browser.get(path)
                    #expect(response.status == outcomes[username], "\(username) GET \(path)")
                }
            }
            // anonymous visitors are sent to sign in
            for (path, _) in expectations {
                let response = try await t.browser().get(path)
                #expect(response.status == .seeOther)
                #expect(response.location?.hasPrefix("/login") == true)
            }
            #expect(try await t.auditActions().filter { $0 == "security.access_denied" }.count == 3 * 4 + 2 * 3)
        }
    }

    @Test(arguments: TestDatabase.all)
    func nonAdministratorsCannotPostAdminForms(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let target = try await t.user("ani", role: .auditor)
            try await t.user("caop", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("caop", TestApp.password)
            let response = try await browser.post("/admin/users/\(target.id!.uuidString)/disable", form: [:], from: "/dashboard")
            #expect(response.status == .forbidden)
            let stored = try #require(try await UserModel.find(target.id, on: t.db))
            #expect(stored.isActive)
        }
    }

    @Test(arguments: TestDatabase.all)
    func errorPagesRevealNothingInternal(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let response = try await t.browser().get("/password/reset/" + String(repeating: "x", count: 43))
            #expect(response.status == .notFound)
            let html = response.body.string
            #expect(html.contains("Tautan ini tidak dikenal"))
            #expect(!html.lowercased().contains("sql") && !html.contains("Fluent") && !html.contains("Abort"))
        }
    }
}
