import Foundation
import NIOConcurrencyHelpers

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

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// The answer kept for `request` (the GET path part) made at `epoch` of the statuses, if still fresh at `now`.
    func answer(for request: String, epoch: UInt64, now: Date, refreshAfter: TimeInterval) -> OCSPHTTPAnswer? {
        guard let entry = entries.withLockedValue({ $0[request] }), entry.epoch == epoch,
              let produced = entry.answer.answer.cacheableUntil?.lowerBound else { return nil }
        let age = now.timeIntervalSince(produced)
        return age >= 0 && age < refreshAfter ? entry.answer : nil
    }

    /// Keeps `answer` for `request`, made from the statuses as they were at `epoch`.
    func store(_ answer: OCSPHTTPAnswer, for request: String, epoch: UInt64) {
        guard answer.answer.cacheableUntil != nil else { return }
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[request] = Entry(answer: answer, epoch: epoch)
        }
    }

    /// A new responder certificate: answers are signed afresh.
    func clear() {
        entries.withLockedValue { $0.removeAll() }
    }
}
