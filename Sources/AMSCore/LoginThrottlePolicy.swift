import Foundation

/// What the throttle says about a sign-in attempt.
public enum ThrottleDecision: Sendable, Equatable {
    case allowed
    /// Too many recent failures: wait until the given time before trying again.
    case delayed(until: Date)
    /// Locked after repeated failures until the given time.
    case locked(until: Date)

    public var isAllowed: Bool { self == .allowed }
}

/// Growing delay, then a lock, after failed sign-ins. Applied separately to each account name and to each
/// client address, with its own thresholds for each.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failures after which the next attempt has to wait.
    public var freeFailures: Int
    /// Failures after which the key is locked.
    public var lockAfterFailures: Int
    /// How long the lock lasts, and the window in which failures are counted.
    public var lockDuration: TimeInterval
    /// The first delay; it doubles with every further failure.
    public var baseDelay: TimeInterval

    public init(freeFailures: Int, lockAfterFailures: Int, lockDuration: TimeInterval = 15 * 60, baseDelay: TimeInterval = 2) {
        self.freeFailures = freeFailures
        self.lockAfterFailures = lockAfterFailures
        self.lockDuration = lockDuration
        self.baseDelay = baseDelay
    }

    /// Per account: after the 3rd failure wait 2 s, after the 4th 4 s; the 5th failure locks for 15 minutes.
    public static let perAccount = LoginThrottlePolicy(freeFailures: 3, lockAfterFailures: 5)
    /// Per client address: more headroom (offices share an address), then the same pattern.
    public static let perAddress = LoginThrottlePolicy(freeFailures: 10, lockAfterFailures: 30)

    /// How far back failures matter: a lock triggered by failures spread over one window lasts one more window.
    public var lookback: TimeInterval { 2 * lockDuration }

    /// Decides from the times of failures (any order). Failures count towards a lock when `lockAfterFailures` of
    /// them fall within one window; the lock then lasts `lockDuration` from the last of them, and counting starts
    /// afresh after it.
    public func decision(failures: [Date], now: Date) -> ThrottleDecision {
        let sorted = failures.filter { $0 <= now && $0 > now.addingTimeInterval(-lookback) }.sorted()
        var sinceLock: [Date] = []
        var lockEnd: Date?
        for failure in sorted {
            if let end = lockEnd, failure < end { continue }
            sinceLock = sinceLock.filter { $0 > failure.addingTimeInterval(-lockDuration) } + [failure]
            if sinceLock.count >= lockAfterFailures {
                lockEnd = failure.addingTimeInterval(lockDuration)
                sinceLock = []
            }
        }
        if let lockEnd, now < lockEnd { return .locked(until: lockEnd) }
        let recent = sinceLock.filter { $0 > now.addingTimeInterval(-lockDuration) }
        guard let last = recent.last, recent.count >= freeFailures else { return .allowed }
        let until = last.addingTimeInterval(baseDelay * pow(2, Double(recent.count - freeFailures)))
        return now < until ? .delayed(until: until) : .allowed
    }

    /// Combines two decisions: the stricter wins.
    public static func stricter(_ a: ThrottleDecision, _ b: ThrottleDecision) -> ThrottleDecision {
        switch (a, b) {
        case let (.locked(x), .locked(y)): return .locked(until: max(x, y))
        case (.locked, _): return a
        case (_, .locked): return b
        case let (.delayed(x), .delayed(y)): return .delayed(until: max(x, y))
        case (.delayed, _): return a
        case (_, .delayed): return b
        default: return .allowed
        }
    }
}
