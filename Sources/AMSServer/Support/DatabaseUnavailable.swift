import AsyncKit
import FluentPostgresDriver
import SQLiteNIO

/// Recognises errors that mean "the database cannot be reached right now" (PostgreSQL restarting or shutting down,
/// connections dropped, the pool waiting too long or closed by a shutdown, SQLite busy past its timeout), as opposed to
/// a bug or bad data.
/// Such errors are answered with 503 and `Retry-After`, so clients and load balancers try again instead of
/// treating them as a server fault.
enum DatabaseUnavailable {
    /// Seconds a client is asked to wait before trying again.
    static let retryAfterSeconds = 5

    static func matches(_ error: any Error) -> Bool {
        if let postgres = error as? PSQLError {
            switch postgres.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08 (connection exception) and 57P01–57P03 (admin/crash shutdown, cannot connect now).
                let state = postgres.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default:
                return false
            }
        }
        // the pool closed: this instance is shutting down and a request outlasted the wait for those in flight
        if error is ConnectionPoolTimeoutError || error is ConnectionPoolError || error is DatabaseDeadline.Exceeded { return true }
        if let sqlite = error as? SQLiteError {
            switch sqlite.reason {
            case .busy, .locked: return true
            default: return false
            }
        }
        return false
    }

    /// The metric's name for the kind of failure (see ``AMSMetrics/databaseUnavailable(_:)``).
    static func kind(_ error: any Error) -> String {
        if error is ConnectionPoolTimeoutError { return "pool_timeout" }
        if error is ConnectionPoolError { return "shutting_down" }
        if error is DatabaseDeadline.Exceeded { return "deadline" }
        if error is SQLiteError { return "busy" }
        return "connection"
    }

    /// A short, secret-free name of the failure for the log (PostgresNIO's own descriptions are deliberately vague,
    /// and its reflections may carry query text).
    static func summary(_ error: any Error) -> String {
        if let postgres = error as? PSQLError {
            let state = postgres.serverInfo?[.sqlState].map { " \($0)" } ?? ""
            return "PostgreSQL \(postgres.code)\(state)"
        }
        if let sqlite = error as? SQLiteError { return "SQLite \(sqlite.reason)" }
        if let deadline = error as? DatabaseDeadline.Exceeded { return deadline.description }
        return String(describing: type(of: error))
    }
}
