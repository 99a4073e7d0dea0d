import AMSPKI
import Foundation

/// Signed OCSP responses for requests without a nonce, kept while the certificate's status is unchanged and the
/// response is fresh; re-signed when older than ``refreshAfter`` (well before its nextUpdate).
final class OCSPResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        let certID: [UInt8]
        let status: OCSPCertificateStatus
    }

    let refreshAfter: TimeInterval
    private let kept: FreshnessCache<Key, [UInt8]>

    init(refreshAfter: TimeInterval = 3600, capacity: Int = 100_000) {
        self.refreshAfter = refreshAfter
        kept = FreshnessCache(capacity: capacity)
    }

    /// The response kept for `key` and when it was produced, while younger than ``refreshAfter``.
    func response(for key: Key, now: Date) -> (response: [UInt8], producedAt: Date)? {
        kept.value(for: key, now: now, maxAge: refreshAfter).map { ($0.value, $0.madeAt) }
    }

    func store(_ response: [UInt8], for key: Key, producedAt: Date) {
        kept.store(response, madeAt: producedAt, for: key)
    }

    func clear() {
        kept.clear()
    }
}
