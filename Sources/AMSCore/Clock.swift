import Foundation

/// The source of the current time. Production uses ``SystemClock``; tests move a manual clock instead of sleeping.
public protocol Clock: Sendable {
    var now: Date { get }
}

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}
