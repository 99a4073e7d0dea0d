@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

@Suite("Forgotten password")
struct PasswordResetTests {
    @Test(arguments: TestDatabase.all)
    func answerIsTheSameWhetherOrNotTheAccountExists(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("budi", role: .caOperator)
            // act
            let known = try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            let unknown = try await t.browser().post("/password/forgot", form: ["identifier": "nobody@nowhere.go.id"])
            // check
            #expect(known.status == unknown.status)
            #expect(known.location == unknown.location)
            #expect(known.location == "/login?notice=reset_sent")
            // the same work either way (finding: 6.1 vs 4.4 ms): one sealed row queued, nothing else, nothing in clear
            let queued = try await PasswordResetRequestModel.query(on: t.db).all()
            #expect(queued.count == 2 && !queued.contains { $0.sealed.contains("budi") || $0.sealed.contains("nobody") })
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
            #expect(try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.password_reset_requested").count() == 0)
            // the reset worker's pass mails the account's owner and audits both
            #expect(try await AccountService(services: t.services, database: t.db).processPasswordResetRequests() == 2)
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 1)
            #expect(try await PasswordResetRequestModel.query(on: t.db).count() == 0)
            let audited = try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.password_reset_requested").all()
            #expect(audited.map(\.outcome.rawValue).sorted() == ["failure", "success"])
        }
    }

    @Test(arguments: TestDatabase.all)
    func resetLinkWorksOnceAndEndsSessions(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a signed-in session elsewhere, then a reset requested by e-mail address
            let user = try await t.user("budi", role: .caOperator)
            let elsewhere = t.browser()
            try await elsewhere.signIn("budi", TestApp.password)
            try await t.browser().post("/password/forgot", form: ["identifier": user.email])
            let path = try #require(try await t.resetPath(for: user.email))
            let token = String(path.dropFirst("/password/reset/".count))
            #expect(SecureToken.isWellFormed(token))
            // the database holds only the token's hash
            let stored = try #require(try await PasswordResetTokenModel.query(on: t.db).first())
            #expect(stored.tokenHash == TokenDigest.hex(token) && stored.tokenHash != token)
            // act
            let browser = t.browser()
            #expect(try await browser.get(path).status == .ok)
            let done = try await browser.post(path, form: ["newPassword": "pohon kelapa di pantai", "confirmPassword": "pohon kelapa di pantai"])
            // check
            #expect(done.location == "/login?notice=password_reset")
            #expect(try await elsewhere.get("/dashboard").status == .seeOther)
            #expect(try await t.browser().signIn("budi", "pohon kelapa di pantai").status == .seeOther)
            let replay = try await t.browser().post(path, form: ["newPassword": "another long phrase", "confirmPassword": "another long phrase"],
                                                   from: "/password/forgot")
            #expect(replay.status == .notFound)
            #expect(try await t.browser().signIn("budi", "pohon kelapa di pantai").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func resetLinkExpiresAfterAnHour(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let user = try await t.user("budi", role: .caOperator)
            try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            let path = try #require(try await t.resetPath(for: user.email))
            t.clock.advance(by: 3600)
            let browser = t.browser()
            #expect(try await browser.get(path).status == .notFound)
            let response = try await browser.post(path, form: ["newPassword": "pohon kelapa di pantai", "confirmPassword": "pohon kelapa di pantai"],
                                                  from: "/password/forgot")
            #expect(response.status == .notFound)
            #expect(try await t.browser().signIn("budi", TestApp.password).status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func atMostThreeLinksPerHourAreMailed(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let user = try await t.user("budi", role: .caOperator)
            // act: five requests within the hour, then one more an hour later
            for _ in 0..<5 {
                #expect(try await t.browser().post("/password/forgot", form: ["identifier": "budi"]).location == "/login?notice=reset_sent")
                t.clock.advance(by: 60)
            }
            let withinHour = try await t.mails(to: user.email).count
            t.clock.advance(by: 3600)
            try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            // check
            #expect(withinHour == 3)
            #expect(try await t.mails(to: user.email).count == 4)
            let denied = try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.password_reset_requested")
                .filter(\.$outcome == .denied).count()
            #expect(denied == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aNewerLinkVoidsTheOlderOne(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let user = try await t.user("budi", role: .caOperator)
            try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            let first = try #require(try await t.resetPath(for: user.email))
            t.clock.advance(by: 1)
            try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            let second = try #require(try await t.resetPath(for: user.email))
            #expect(first != second)
            #expect(try await t.browser().get(first).status == .notFound)
            #expect(try await t.browser().get(second).status == .ok)
        }
    }
}
