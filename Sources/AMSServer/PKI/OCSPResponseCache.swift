import AMSPKI
import Foundation
import NIOConcurrencyHelpers

/// Signed OCSP responses for requests without a nonce, kept while the certificate's status is unchanged and the
/// response is fresh; re-signed when older than ``refreshAfter`` (well before its nextUpdate).
final class OCSPResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        let certID: [UInt8]
        let status: OCSPCertificateStatus
    }

    struct Entry: Sendable {
        let response: [UInt8]
        let producedAt: Date
    }

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    let refreshAfter: TimeInterval
    let capacity: Int

    init(refreshAfter: TimeInterval = 3600, capacity: Int = 100_000) {
        self.refreshAfter = refreshAfter
        self.capacity = capacity
    }

    func response(for key: Key, now: Date) -> Entry? {
        entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            let age = now.timeIntervalSince(entry.producedAt)
            return age >= 0 && age < refreshAfter ? entry : nil
        }
    }

    func store(_ response: [UInt8], for key: Key, producedAt: Date) {
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(response: response, producedAt: producedAt)
        }
    }

    func clear() {
        entries.withLockedValue { $0.removeAll() }
    }
}
