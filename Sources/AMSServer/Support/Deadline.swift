import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Waits for a piece of async work at most a given time. The work is not cancelled when the time is up; it runs to
/// its end unobserved (a query lost with its connection, a body still trickling in), and the caller goes on.
enum Deadline {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        case timedOut
    }

    static func race<Value: Sendable>(seconds: Double, on eventLoop: any EventLoop,
                                      _ operation: @escaping @Sendable () async throws -> Value) async throws -> Outcome<Value> {
        let outcome = NIOLockedValueBox<CheckedContinuation<Outcome<Value>, any Error>?>(nil)
        let finish: @Sendable (Result<Outcome<Value>, any Error>) -> Void = { result in
            outcome.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.withLockedValue { $0 = continuation }
            let timer = eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { finish(.success(.timedOut)) }
            Task {
                do {
                    let value = try await operation()
                    timer.cancel()
                    finish(.success(.finished(value)))
                } catch {
                    timer.cancel()
                    finish(.failure(error))
                }
            }
        }
    }
}
