import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Bounds how long one piece of database work may take before its caller gets an error instead of an answer.
///
/// Why: PostgresNIO (1.33) can leave a query unanswered for ever when it is sent on a connection that the server has
/// just closed (PostgreSQL restarted or shut down in the middle of a transaction; reproduced by the fault run about
/// one time in three). Without a bound, the request or the background worker waiting on it hangs, and `ams serve`
/// cannot shut down. With it, the caller gets ``DatabaseDeadline/Exceeded`` (a 503 with `Retry-After` for HTTP
/// clients, a retry for the workers). The abandoned query keeps its pooled connection, which is dead anyway; the pool
/// opens new ones. Nothing is committed by an abandoned transaction: the server rolled it back when the connection
/// dropped.
enum DatabaseDeadline {
    /// The work did not finish in time.
    struct Exceeded: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "database work did not finish within \(seconds) s" }
    }

    static func run<T: Sendable>(seconds: Double, on eventLoop: any EventLoop,
                                 _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
        let finish: @Sendable (Result<T, any Error>) -> Void = { result in
            outcome.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.withLockedValue { $0 = continuation }
            let timer = eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                finish(.failure(Exceeded(seconds: seconds)))
            }
            Task {
                do {
                    let value = try await operation()
                    timer.cancel()
                    finish(.success(value))
                } catch {
                    timer.cancel()
                    finish(.failure(error))
                }
            }
        }
    }
}
