import AMSPKI
import Foundation
import NIOConcurrencyHelpers

/// The statuses the OCSP responder has read, so a question asked again is answered without the database.
///
/// Only `good` and `revoked` are kept (a serial not yet known may be issued any moment; it is read every time), and
/// the only change a kept status can undergo is revocation, after whose commit ``forgetAll()`` runs: a read that
/// began before it (an epoch earlier) is not kept, so a revocation shows at once. Used only where this process is
/// the database's only writer (the embedded SQLite deployment); on PostgreSQL, where several instances share the
/// data, ``isEnabled`` is false and every answer reads the database.
final class OCSPStatusCache: Sendable {
    private struct State {
        var epoch: UInt64 = 0
        var statuses: [String: OCSPCertificateStatus] = [:]
    }

    private let state = NIOLockedValueBox(State())
    let isEnabled: Bool
    let capacity: Int

    init(isEnabled: Bool, capacity: Int = 1_000_000) {
        self.isEnabled = isEnabled
        self.capacity = capacity
    }

    /// The kept statuses of all `serials` (hex), or nil when one is not kept.
    func statuses(of serials: [String]) -> [String: OCSPCertificateStatus]? {
        guard isEnabled else { return nil }
        return state.withLockedValue { state in
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
        guard isEnabled else { return }
        state.withLockedValue { state in
            guard state.epoch == epoch else { return }
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
