import Foundation
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
        switch try await Deadline.race(seconds: seconds, on: eventLoop, operation) {
        case .finished(let value): return value
        case .timedOut: throw Exceeded(seconds: seconds)
        }
    }
}
