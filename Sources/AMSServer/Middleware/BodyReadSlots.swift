import NIOConcurrencyHelpers

/// Counts the request bodies being read now, per client address and in all (``BodyReadLimits``). A slot is held
/// until the body has arrived or the connection has gone, not merely until the request was answered: a client that
/// keeps trickling after its 408 still counts against its address.
final class BodyReadSlots: Sendable {
    private struct Counts {
        var total = 0
        var byAddress: [String: Int] = [:]
    }

    /// Why no slot was given.
    enum Refusal: Error {
        case addressBusy
        case serverBusy
    }

    private let counts = NIOLockedValueBox(Counts())

    /// Takes a slot for `address`, or says which limit is reached.
    func claim(_ address: String, limits: BodyReadLimits) -> Result<Void, Refusal> {
        counts.withLockedValue { counts in
            guard counts.total < limits.inFlight else { return .failure(.serverBusy) }
            guard counts.byAddress[address, default: 0] < limits.perAddress else { return .failure(.addressBusy) }
            counts.total += 1
            counts.byAddress[address, default: 0] += 1
            return .success(())
        }
    }

    func release(_ address: String) {
        counts.withLockedValue { counts in
            counts.total -= 1
            let left = counts.byAddress[address, default: 1] - 1
            counts.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Bodies being read now (for tests and diagnostics).
    var total: Int { counts.withLockedValue { $0.total } }
}
