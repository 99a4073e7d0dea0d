import NIOConcurrencyHelpers
import NIOCore

/// One SQLite write transaction at a time in this process, waited for without holding a thread.
///
/// SQLite allows one writer per file; a connection that asks for the write lock while another holds it runs SQLite's
/// busy handler, which SQLiteNIO sets to retry at once, on a thread of the pool every SQLite call runs on. Writers
/// that wait there take threads (and CPU) from the transaction they wait for. ``WriteTransaction`` therefore queues
/// its writers here first, in order of arrival, and only the one at the head asks SQLite for the lock.
final class SQLiteWriterGate: Sendable {
    private struct State {
        var isHeld = false
        var waiting = CircularBuffer<CheckedContinuation<Void, Never>>()
    }

    private let state = NIOLockedValueBox(State())

    /// Runs `body` once every writer that came earlier has finished.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLockedValue { state in
                if state.isHeld {
                    state.waiting.append(continuation)
                    return false
                }
                state.isHeld = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the gate to the longest waiting writer, if any.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLockedValue { state in
            guard let next = state.waiting.popFirst() else {
                state.isHeld = false
                return nil
            }
            return next
        }
        next?.resume()
    }
}
