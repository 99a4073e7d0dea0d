import AMSCore
import Foundation
import Testing

@Suite("Session and sign-in throttle policies")
struct SessionAndThrottlePolicyTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func sessionEndsAfterThirtyIdleMinutes() {
        let policy = SessionPolicy()
        #expect(policy.verdict(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(29 * 60)) == .active(needsTouch: true))
        #expect(policy.verdict(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(30 * 60)) == .idleExpired)
    }

    @Test func sessionEndsTwelveHoursAfterSignInHoweverActive() {
        let policy = SessionPolicy()
        let almost = start.addingTimeInterval(12 * 3600 - 1)
        #expect(policy.verdict(createdAt: start, lastSeenAt: almost, now: almost) == .active(needsTouch: false))
        let end = start.addingTimeInterval(12 * 3600)
        #expect(policy.verdict(createdAt: start, lastSeenAt: end.addingTimeInterval(-5), now: end) == .absoluteExpired)
    }

    @Test func activityIsWrittenBackAtMostOncePerMinute() {
        let policy = SessionPolicy()
        #expect(policy.verdict(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(59)) == .active(needsTouch: false))
        #expect(policy.verdict(createdAt: start, lastSeenAt: start, now: start.addingTimeInterval(60)) == .active(needsTouch: true))
    }

    @Test func accountThrottleDelaysThenLocks() {
        // setup
        let policy = LoginThrottlePolicy.perAccount
        var failures: [Date] = []
        func fail(at offset: TimeInterval) { failures.append(start.addingTimeInterval(offset)) }
        // act + check: two failures pass freely
        fail(at: 0); fail(at: 1)
        #expect(policy.decision(failures: failures, now: start.addingTimeInterval(1)) == .allowed)
        // third failure: wait 2 s
        fail(at: 2)
        #expect(policy.decision(failures: failures, now: start.addingTimeInterval(3)) == .delayed(until: start.addingTimeInterval(4)))
        #expect(policy.decision(failures: failures, now: start.addingTimeInterval(4)) == .allowed)
        // fourth: wait 4 s (doubling)
        fail(at: 5)
        #expect(policy.decision(failures: failures, now: start.addingTimeInterval(6)) == .delayed(until: start.addingTimeInterval(9)))
        // fifth: locked for 15 minutes from that failure
        fail(at: 10)
        let lockEnd = start.addingTimeInterval(10 + 15 * 60)
        #expect(policy.decision(failures: failures, now: start.addingTimeInterval(11)) == .locked(until: lockEnd))
        #expect(policy.decision(failures: failures, now: lockEnd.addingTimeInterval(-1)) == .locked(until: lockEnd))
        #expect(policy.decision(failures: failures, now: lockEnd.addingTimeInterval(1)) == .allowed)
        // after the lock, counting starts afresh: one more failure is free again
        failures.append(lockEnd.addingTimeInterval(2))
        #expect(policy.decision(failures: failures, now: lockEnd.addingTimeInterval(3)) == .allowed)
    }

    @Test func failuresOlderThanTheWindowAreForgotten() {
        let policy = LoginThrottlePolicy.perAccount
        let old = (0..<5).map { start.addingTimeInterval(Double($0)) }
        #expect(policy.decision(failures: old, now: start.addingTimeInterval(16 * 60)) == .allowed)
    }

    @Test func addressThrottleAllowsMoreFailuresThanAccountThrottle() {
        let failures = (0..<9).map { start.addingTimeInterval(Double($0)) }
        let now = start.addingTimeInterval(9)
        #expect(LoginThrottlePolicy.perAddress.decision(failures: failures, now: now) == .allowed)
        #expect(LoginThrottlePolicy.perAccount.decision(failures: failures, now: now) != .allowed)
    }

    @Test func stricterDecisionWins() {
        let a = ThrottleDecision.delayed(until: start)
        let b = ThrottleDecision.locked(until: start.addingTimeInterval(-100))
        #expect(LoginThrottlePolicy.stricter(a, b) == b)
        #expect(LoginThrottlePolicy.stricter(.allowed, a) == a)
        #expect(LoginThrottlePolicy.stricter(.allowed, .allowed) == .allowed)
    }
}
