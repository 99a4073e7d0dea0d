@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

@Suite("Sign-in throttling per account at an address, and per address")
struct ThrottleTests {
    @Test(arguments: TestDatabase.all)
    func repeatedFailuresDelayThenLockTheAccount(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true }) { t in
            // setup: someone guesses at budi's password from one address
            try await t.user("budi", role: .caOperator)
            let browser = t.browser(address: "198.51.100.7")
            // act: three failures, one second apart
            for _ in 0..<3 {
                #expect(try await browser.signIn("budi", "wrong guess here").status == .unauthorized)
                t.clock.advance(by: 1)
            }
            // check: now even the right password must wait, with a clear message and Retry-After
            let delayed = try await browser.signIn("budi", TestApp.password)
            #expect(delayed.status == .tooManyRequests)
            #expect(delayed.headers.first(name: "Retry-After") == "1")
            #expect(delayed.body.string.contains("Tunggu 1 detik"))
            // after the delay, two more failures lock the account for 15 minutes
            t.clock.advance(by: 2)
            #expect(try await browser.signIn("budi", "wrong guess again").status == .unauthorized)
            t.clock.advance(by: 5)
            #expect(try await browser.signIn("budi", "wrong guess again").status == .unauthorized)
            let locked = try await browser.signIn("budi", TestApp.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.string.contains("dikunci sementara"))
            #expect(locked.headers.first(name: "Retry-After") == "900")
            // the owner at their own address is not locked out (the lock is per account and address)
            #expect(try await t.browser(address: "203.0.113.9").signIn("budi", TestApp.password).status == .seeOther)
            t.clock.advance(by: 14 * 60)
            #expect(try await browser.signIn("budi", TestApp.password).status == .tooManyRequests)
            t.clock.advance(by: 61)
            #expect(try await browser.signIn("budi", TestApp.password).status == .seeOther)
            let actions = try await t.auditActions()
            #expect(actions.contains("auth.sign_in.locked"))
            #expect(actions.contains("auth.sign_in.throttled"))
            #expect(actions.filter { $0 == "auth.sign_in.failed" }.count == 5)
        }
    }

    @Test(arguments: TestDatabase.all)
    func oneAddressGuessingManyAccountsIsThrottled(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true }) { t in
            // setup: every guess names a different account, so no account throttle applies
            try await t.user("budi", role: .caOperator)
            let attacker = t.browser(address: "198.51.100.7")
            for index in 0..<10 {
                #expect(try await attacker.signIn("user\(index)", "wrong guess here").status == .unauthorized)
                t.clock.advance(by: 1)
            }
            // check: the address must wait; another address is unaffected
            #expect(try await attacker.signIn("budi", TestApp.password).status == .tooManyRequests)
            #expect(try await t.browser(address: "203.0.113.9").signIn("budi", TestApp.password).status == .seeOther)
            let entry = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "auth.sign_in.throttled").first())
            #expect(entry.clientAddress == "198.51.100.7")
        }
    }

    @Test(arguments: TestDatabase.all)
    func successResetsTheAccountCount(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let browser = t.browser()
            for _ in 0..<2 { try await browser.signIn("budi", "wrong guess here") }
            #expect(try await browser.signIn("budi", TestApp.password).status == .seeOther)
            let other = t.browser()
            for _ in 0..<2 { #expect(try await other.signIn("budi", "wrong guess here").status == .unauthorized) }
            #expect(try await other.signIn("budi", TestApp.password).status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func attemptsTooOldToCountArePrunedAndALockStays(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true }) { t in
            // setup: two failures, then 20 minutes later five more, ten seconds apart (beyond the delays), which lock the
            // account at that address
            try await t.user("budi", role: .caOperator)
            let browser = t.browser(address: "198.51.100.7")
            for _ in 0..<2 { #expect(try await browser.signIn("budi", "wrong guess here").status == .unauthorized) }
            t.clock.advance(by: 20 * 60)
            for _ in 0..<5 {
                #expect(try await browser.signIn("budi", "wrong guess here").status == .unauthorized)
                t.clock.advance(by: 10)
            }
            // act: 31 minutes after the first two, beyond both lookbacks (30 minutes)
            t.clock.advance(by: 11 * 60 - 50)
            let deleted = try await LoginThrottle(clock: t.clock).prune(on: t.db)
            // check: the first two are gone, the five the lock rests on are kept, and the lock still holds
            #expect(deleted == 2)
            #expect(try await LoginAttemptModel.query(on: t.db).count() == 5)
            #expect(try await browser.signIn("budi", TestApp.password).status == .tooManyRequests)
            #expect(try await LoginThrottle(clock: t.clock).prune(on: t.db) == 0)
        }
    }
}
