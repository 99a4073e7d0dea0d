import AMSPKI
import Foundation
import NIOConcurrencyHelpers

/// The statuses the OCSP responder has read, so a question asked again is answered without the database.
///
/// Only `good` and `revoked` are kept (a serial not yet known may be issued any moment; it is read every time), and
/// the only change a kept status can undergo is revocation, after whose commit ``forgetAll()`` runs: a read that
/// began before it (an epoch earlier) is not kept, so a revocation shows at once. On SQLite this process is the
/// database's only writer and the cache is always on; on PostgreSQL, where sibling instances revoke too, it is on
/// only while ``CertificateStatusFeed`` listens for their revocations.
final class OCSPStatusCache: Sendable {
    private struct State {
        var isEnabled: Bool
        var epoch: UInt64 = 0
        var statuses: [String: OCSPCertificateStatus] = [:]
    }

    private let state: NIOLockedValueBox<State>
    let capacity: Int

    init(isEnabled: Bool, capacity: Int = 1_000_000) {
        self.state = NIOLockedValueBox(State(isEnabled: isEnabled))
        self.capacity = capacity
    }

    var isEnabled: Bool { state.withLockedValue { $0.isEnabled } }

    /// Whether statuses are kept; switching forgets everything kept (and every read under way).
    func setEnabled(_ isEnabled: Bool) {
        state.withLockedValue { state in
            state.isEnabled = isEnabled
            state.epoch &+= 1
            state.statuses.removeAll()
        }
    }

    /// The kept statuses of all `serials` (hex), or nil when one is not kept.
    func statuses(of serials: [String]) -> [String: OCSPCertificateStatus]? {
        state.withLockedValue { state in
            guard state.isEnabled else { return nil }
            var found: [String: OCSPCertificateStatus] = [:]
            for serial in serials {
                guard let status = state.statuses[serial] else { return nil }
                found[serial] = status
            }
            return found
        }
    }

    /// Taken before reading the database; ``remember(_:readAt:)`` keeps the read only if nothing changed since.
    var epoch: UInt64 { state.withLockedValue { $0.epoch } }

    func remember(_ statuses: [String: OCSPCertificateStatus], readAt epoch: UInt64) {
        state.withLockedValue { state in
            guard state.isEnabled, state.epoch == epoch else { return }
            if state.statuses.count + statuses.count > capacity { state.statuses.removeAll(keepingCapacity: true) }
            state.statuses.merge(statuses) { _, new in new }
        }
    }

    /// After a revocation's commit (or its failure): everything kept is read again.
    func forgetAll() {
        state.withLockedValue { state in
            state.epoch &+= 1
            state.statuses.removeAll()
        }
    }
}
