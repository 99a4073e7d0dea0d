import AMSCore
import Foundation

/// Deterministic bytes for tests: a counter-driven xorshift stream.
final class SeededRandomSource: RandomSource, @unchecked Sendable {
    private var state: UInt64
    private let lock = NSLock()

    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }

    func bytes(count: Int) -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// Replays a fixed byte sequence (to drive rejection sampling precisely).
final class ScriptedRandomSource: RandomSource, @unchecked Sendable {
    private var script: [UInt8]
    init(_ script: [UInt8]) { self.script = script }
    func bytes(count: Int) -> [UInt8] {
        let out = Array(script.prefix(count))
        script.removeFirst(count)
        return out
    }
}
