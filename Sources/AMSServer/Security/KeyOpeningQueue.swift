import Foundation
import NIOPosix
import Vapor

/// Bounds how many holder keys are opened at once, and where. Each opening runs scrypt with 128 MiB (N = 2^17,
/// r = 8) for some hundred milliseconds, so a burst of signing requests must queue rather than take the machine's
/// memory: at most ``permits`` run, the rest wait their turn in order. They run on threads of their own — not the
/// application's thread pool, where SQLite's queries and bcrypt run: scrypt there starved the database (measured in
/// `ams-bench --signing-only`: 8 of 32 requests timed out waiting for a connection on 2 cores).
actor KeyOpeningQueue {
    let permits: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let threads: NIOThreadPool

    init(permits: Int) {
        self.permits = max(1, permits)
        threads = NIOThreadPool(numberOfThreads: self.permits)
        threads.start()
    }

    /// Runs the blocking `body` on one of the queue's threads once a permit is free.
    func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        if running >= permits {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return try await threads.runIfActive(body)
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

    /// Stops the threads (at the application's shutdown).
    nonisolated func shutdown() {
        threads.shutdownGracefully { _ in }
    }

    /// Shuts the queue's threads down with the application.
    struct Shutdown: LifecycleHandler {
        let queue: KeyOpeningQueue

        func shutdown(_ application: Application) {
            queue.shutdown()
        }
    }
}
