import Foundation

/// Whole answers to OCSP GET requests, by the request as it stands in the path: every PDF reader asks the same few
/// questions again and again, and the answer to one asked before is served without parsing it, looking up a status
/// or hashing a response.
///
/// An answer is kept only when it was made from the statuses the responder keeps (``OCSPStatusCache``), and only
/// for that cache's epoch: any revocation (or the status feed lost) moves the epoch on and every kept answer with it.
/// It is also given up when its response is due to be signed afresh (``OCSPResponseCache/refreshAfter``).
final class OCSPGetAnswerCache: Sendable {
    private struct Entry: Sendable {
        let answer: OCSPHTTPAnswer
        let epoch: UInt64
    }

    private let kept: FreshnessCache<String, Entry>

    init(capacity: Int = 100_000) {
        kept = FreshnessCache(capacity: capacity)
    }

    /// The answer kept for `request` (the GET path part) made at `epoch` of the statuses, if still fresh at `now`.
    func answer(for request: String, epoch: UInt64, now: Date, refreshAfter: TimeInterval) -> OCSPHTTPAnswer? {
        guard let entry = kept.value(for: request, now: now, maxAge: refreshAfter)?.value, entry.epoch == epoch else { return nil }
        return entry.answer
    }

    /// Keeps `answer` for `request`, made from the statuses as they were at `epoch` (an answer caches may not keep, one
    /// client's with its nonce, is not kept either).
    func store(_ answer: OCSPHTTPAnswer, for request: String, epoch: UInt64) {
        guard let produced = answer.answer.cacheableUntil?.lowerBound else { return }
        kept.store(Entry(answer: answer, epoch: epoch), madeAt: produced, for: request)
    }

    /// A new responder certificate: answers are signed afresh.
    func clear() {
        kept.clear()
    }
}
