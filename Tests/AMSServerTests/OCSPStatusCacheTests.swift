@testable import AMSServer
import AMSPKI
import Foundation
import Testing

@Suite("The statuses the OCSP responder keeps between questions")
struct OCSPStatusCacheTests {
    let revoked = OCSPCertificateStatus.revoked(at: Date(timeIntervalSince1970: 1_800_000_000), reason: .keyCompromise)

    @Test func answersOnlyWhenEveryAskedSerialIsKept() {
        let cache = OCSPStatusCache(isEnabled: true)
        #expect(cache.statuses(of: ["aa"]) == nil)
        cache.remember(["aa": .good, "bb": revoked], readAt: cache.epoch)
        #expect(cache.statuses(of: ["aa", "bb"]) == ["aa": .good, "bb": revoked])
        // a serial the database did not know (unknown) is not kept: asked with a kept one, the database is read again
        #expect(cache.statuses(of: ["aa", "cc"]) == nil)
    }

    @Test func aReadThatBeganBeforeARevocationIsNotKept() {
        let cache = OCSPStatusCache(isEnabled: true)
        let before = cache.epoch
        cache.forgetAll()  // a revocation committed while the read was under way
        cache.remember(["aa": .good], readAt: before)
        #expect(cache.statuses(of: ["aa"]) == nil)
        cache.remember(["aa": revoked], readAt: cache.epoch)
        #expect(cache.statuses(of: ["aa"]) == ["aa": revoked])
        cache.forgetAll()
        #expect(cache.statuses(of: ["aa"]) == nil)
    }

    @Test func disabledKeepsNothingAndCapacityBoundsIt() {
        let disabled = OCSPStatusCache(isEnabled: false)
        disabled.remember(["aa": .good], readAt: disabled.epoch)
        #expect(disabled.statuses(of: ["aa"]) == nil)
        let small = OCSPStatusCache(isEnabled: true, capacity: 2)
        small.remember(["aa": .good, "bb": .good], readAt: small.epoch)
        small.remember(["cc": .good], readAt: small.epoch)
        #expect(small.statuses(of: ["cc"]) == ["cc": .good] && small.statuses(of: ["aa"]) == nil)
    }

    @Test func keptValuesAreHandedOutWhileYoungEnoughAndAFullCacheStartsOver() {
        let cache = FreshnessCache<String, Int>(capacity: 2)
        let made = Date(timeIntervalSince1970: 1_800_000_000)
        cache.store(1, madeAt: made, for: "a")
        cache.store(2, madeAt: made, for: "b")
        #expect(cache.value(for: "a", now: made.addingTimeInterval(59), maxAge: 60)?.value == 1)
        // too old, or made after now (a clock stepped back): not handed out
        #expect(cache.value(for: "a", now: made.addingTimeInterval(60), maxAge: 60) == nil)
        #expect(cache.value(for: "a", now: made.addingTimeInterval(-1), maxAge: 60) == nil)
        // a third value in a cache of two: it alone is kept
        cache.store(3, madeAt: made, for: "c")
        #expect(cache.value(for: "c", now: made, maxAge: 60)?.value == 3)
        #expect(cache.value(for: "a", now: made, maxAge: 60) == nil && cache.value(for: "b", now: made, maxAge: 60) == nil)
    }

    @Test func keptGETAnswersHoldForTheirEpochAndWhileFresh() {
        let cache = OCSPGetAnswerCache()
        let produced = Date(timeIntervalSince1970: 1_800_000_000)
        let answer = OCSPHTTPAnswer(OCSPResponder.Answer(bytes: [1, 2, 3], cacheableUntil: produced...produced.addingTimeInterval(86_400)))
        cache.store(answer, for: "MEIw", epoch: 7)
        #expect(cache.answer(for: "MEIw", epoch: 7, now: produced.addingTimeInterval(10), refreshAfter: 3600)?.answer.bytes == [1, 2, 3])
        #expect(cache.answer(for: "MEIx", epoch: 7, now: produced.addingTimeInterval(10), refreshAfter: 3600) == nil)
        // a revocation since (another epoch), or due to be signed afresh: not served
        #expect(cache.answer(for: "MEIw", epoch: 8, now: produced.addingTimeInterval(10), refreshAfter: 3600) == nil)
        #expect(cache.answer(for: "MEIw", epoch: 7, now: produced.addingTimeInterval(3600), refreshAfter: 3600) == nil)
        // one client's answer (a nonce) is never kept
        cache.store(OCSPHTTPAnswer(.uncacheable([9])), for: "MEIy", epoch: 7)
        #expect(cache.answer(for: "MEIy", epoch: 7, now: produced, refreshAfter: 3600) == nil)
        cache.clear()
        #expect(cache.answer(for: "MEIw", epoch: 7, now: produced.addingTimeInterval(10), refreshAfter: 3600) == nil)
    }
}
