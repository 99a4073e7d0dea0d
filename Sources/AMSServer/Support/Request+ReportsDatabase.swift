import Fluent
import Vapor

extension DatabaseID {
    /// The connections long reads use (time-standard report, audit export), apart from the ones pages use.
    static let reports = DatabaseID(string: "reports")
}

extension Request {
    /// The database for long reads: connections of their own where the engine allows (a file or a server), else the
    /// request's usual one (an in-memory SQLite database exists on one connection only).
    var reportsDB: any Database {
        application.databases.configuration(for: .reports) == nil ? db : db(.reports)
    }
}
