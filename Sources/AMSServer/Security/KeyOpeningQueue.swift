import Foundation

/// Bounds how many holder keys are opened at once. Each opening runs scrypt with 128 MiB (N = 2^17, r = 8), so a
/// burst of signing requests must queue rather than take the machine's memory: at most ``permits`` run, the rest
/// wait their turn in order.
actor KeyOpeningQueue {
    let permits: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        self.permits = max(1, permits)
    }

    /// Runs `body` once a permit is free.
    func run<Value: Sendable>(_ body: @Sendable () async throws -> Value) async throws -> Value {
        if running >= permits {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            // the permit passes straight to the next in line
            waiting.removeFirst().resume()
        }
    }

    /// Openings running now (for tests and diagnostics).
    var inFlight: Int { running }
}
