import Foundation
import NIOConcurrencyHelpers

/// Values kept by key with the time each was made, handed out only while younger than the caller's maximum age.
/// Bounded: when full it starts over, the cheapest bound for values that are made again in a moment. The OCSP
/// responder keeps its signed responses (``OCSPResponseCache``) and whole GET answers (``OCSPGetAnswerCache``) in one.
final class FreshnessCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Kept: Sendable {
        let value: Value
        let madeAt: Date
    }

    private let entries = NIOLockedValueBox<[Key: Kept]>([:])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value kept for `key`, if it was made at most `maxAge` seconds before `now` (and not after it).
    func value(for key: Key, now: Date, maxAge: TimeInterval) -> Kept? {
        guard let kept = entries.withLockedValue({ $0[key] }) else { return nil }
        let age = now.timeIntervalSince(kept.madeAt)
        return age >= 0 && age < maxAge ? kept : nil
    }

    func store(_ value: Value, madeAt: Date, for key: Key) {
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Kept(value: value, madeAt: madeAt)
        }
    }

    func clear() {
        entries.withLockedValue { $0.removeAll() }
    }
}
