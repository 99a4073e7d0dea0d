import AMSCore
import Foundation
import NIOConcurrencyHelpers

/// A clock the test moves by hand: sessions, tokens and throttles expire without sleeping.
final class TestClock: AMSCore.Clock, @unchecked Sendable {
    private let current: NIOLockedValueBox<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = NIOLockedValueBox(start)
    }

    var now: Date { current.withLockedValue { $0 } }

    func advance(by interval: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(interval) }
    }
}
