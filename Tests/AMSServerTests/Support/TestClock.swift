import AMSCore
import Foundation
import NIOConcurrencyHelpers

/// A clock the test moves by hand: sessions, tokens and throttles expire without sleeping.
final class TestClock: AMSCore.Clock, @unchecked Sendable {
    private let current: NIOLockedValueBox<Date>

    /// Starts at a whole second so boundary tests ("exactly 30 minutes later") compare exactly; tests that need
    /// fractional times advance by fractions.
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = NIOLockedValueBox(start)
    }

    var now: Date { current.withLockedValue { $0 } }

    func advance(by interval: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(interval) }
    }
}
