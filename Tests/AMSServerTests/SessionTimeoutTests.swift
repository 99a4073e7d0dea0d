@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

@Suite("Session idle and absolute timeouts")
struct SessionTimeoutTests {
    @Test(arguments: TestDatabase.all)
    func idleSessionEndsAfterThirtyMinutes(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            // act + check: 29 minutes idle is fine, and the activity counts
            t.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/dashboard").status == .ok)
            t.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/dashboard").status == .ok)
            // 30 minutes idle ends it, server-side too
            t.clock.advance(by: 30 * 60)
            let expired = try await browser.get("/dashboard")
            #expect(expired.status == .seeOther)
            #expect(expired.location?.hasPrefix("/login?notice=session_expired") == true)
            #expect(try await SessionModel.query(on: t.db).count() == 0)
            #expect(try await t.auditActions().contains("auth.session_expired"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func activeSessionEndsTwelveHoursAfterSignIn(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("budi", TestApp.password)
            // busy every 20 minutes for almost 12 hours
            for _ in 0..<35 {
                t.clock.advance(by: 20 * 60)
                #expect(try await browser.get("/dashboard").status == .ok)
            }
            t.clock.advance(by: 20 * 60)
            let expired = try await browser.get("/dashboard")
            #expect(expired.location?.hasPrefix("/login?notice=session_expired") == true)
            let entry = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "auth.session_expired").first())
            #expect(entry.record.details["timeout"] == "absolute")
        }
    }

    @Test(arguments: TestDatabase.all)
    func sessionsPastTheirAbsoluteTimeoutArePrunedAndAudited(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: budi signs in and never comes back; twelve hours later siti signs in
            let budi = try await t.user("budi", role: .caOperator)
            try await t.user("siti", role: .caOperator)
            try await t.browser().signIn("budi", TestApp.password)
            t.clock.advance(by: 12 * 3600)
            let siti = t.browser()
            try await siti.signIn("siti", TestApp.password)
            // act
            let pruned = try await SessionStore(services: t.services).pruneExpired(on: t.db)
            // check: budi's session is gone, with the entry his return would have written; siti's stays and works
            #expect(pruned == 1)
            #expect(try await SessionModel.query(on: t.db).count() == 1)
            let entry = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "auth.session_expired").first())
            #expect(entry.targetID == budi.id!.uuidString)
            #expect(entry.record.details["timeout"] == "absolute")
            #expect(try await siti.get("/dashboard").status == .ok)
            #expect(try await SessionStore(services: t.services).pruneExpired(on: t.db) == 0)
        }
    }
}
