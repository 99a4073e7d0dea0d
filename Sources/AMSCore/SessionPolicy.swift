import Foundation

/// When a signed-in session ends by itself.
public struct SessionPolicy: Sendable, Equatable {
    /// Ends a session nobody used for this long.
    public var idleTimeout: TimeInterval
    /// Ends every session this long after sign-in, however active.
    public var absoluteTimeout: TimeInterval
    /// Activity is written back at most this often (saves a write per request).
    public var touchInterval: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, touchInterval: TimeInterval = 60) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.touchInterval = touchInterval
    }

    public enum Verdict: Sendable, Equatable {
        case active(needsTouch: Bool)
        case idleExpired
        case absoluteExpired
    }

    public func verdict(createdAt: Date, lastSeenAt: Date, now: Date) -> Verdict {
        if now >= createdAt.addingTimeInterval(absoluteTimeout) { return .absoluteExpired }
        if now >= lastSeenAt.addingTimeInterval(idleTimeout) { return .idleExpired }
        return .active(needsTouch: now >= lastSeenAt.addingTimeInterval(touchInterval))
    }
}
