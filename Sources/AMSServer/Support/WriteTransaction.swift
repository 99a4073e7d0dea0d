import Fluent
import Foundation
import SQLKit

/// One database transaction per state change. On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock
/// up front: a deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another
/// connection wrote in between, and the busy handler cannot help there. Before that, it waits its turn at the file's
/// ``SQLiteWriterGate``, so that writers of this process queue without taking threads. Nested calls join the outer
/// transaction.
///
/// On PostgreSQL the transaction is run here too rather than by Fluent's `transaction`, for one reason: when the
/// connection dies mid-transaction (PostgreSQL restarted or shut down), Fluent sends `ROLLBACK` on the dead
/// connection, and PostgresNIO never answers that query, so the caller would wait forever (seen in the fault run:
/// the mail worker and HTTP requests hung after a PostgreSQL restart, and `ams serve` could not shut down). A lost
/// connection has already rolled the transaction back on the server, so no `ROLLBACK` is sent then. A query sent
/// on a connection the server has just closed can also go unanswered; a PostgreSQL transaction therefore runs under
/// ``DatabaseDeadline``: the pool's longest wait for a connection (`AMS_DATABASE_POOL_TIMEOUT_SECONDS`), then
/// ``postgresDeadlineSeconds`` of its own. Many state changes at once, queued behind a few connections, are busy, not
/// lost. (The deadline stays outside the connection: abandoned work keeps its connection, which is never handed to
/// another caller in the middle of a transaction.)
package enum WriteTransaction {
    @TaskLocal static var isActive = false
    /// What a PostgreSQL write transaction is given beyond the pool's longest wait for its connection, before its
    /// caller gets an error (503) instead of waiting.
    static let postgresDeadlineSeconds = 30.0

    package static func run<T: Sendable>(on database: any Database,
                                 _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isActive || database.inTransaction { return try await body(database) }
        let isSQLite = (database as? any SQLDatabase)?.dialect.name == "sqlite"
        let asked = ContinuousClock.now
        if isSQLite {
            guard let gate = database.amsConfiguration?.writerGate else {
                return try await transaction(on: database, isSQLite: true, asked: asked, body)
            }
            return try await gate.run { try await transaction(on: database, isSQLite: true, asked: asked, body) }
        }
        let connectionWait = database.amsConfiguration.map { Double($0.poolTimeout.nanoseconds) / 1e9 } ?? 0
        return try await DatabaseDeadline.run(seconds: connectionWait + postgresDeadlineSeconds, on: database.eventLoop) {
            try await transaction(on: database, isSQLite: false, asked: asked, body)
        }
    }

    private static func transaction<T: Sendable>(on database: any Database, isSQLite: Bool, asked: ContinuousClock.Instant,
                                                 _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withConnection { connection in
            // how long the state change waited for its connection (and on SQLite its turn at the writer gate)
            database.amsConfiguration?.metrics.transactionWaited(ContinuousClock.now - asked)
            let connectionSQL = connection as! any SQLDatabase
            try await connectionSQL.raw(isSQLite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await $isActive.withValue(true) { try await body(connection) }
                try await connectionSQL.raw("COMMIT").run()
                return result
            } catch {
                if !DatabaseUnavailable.matches(error) || isSQLite {
                    try? await connectionSQL.raw("ROLLBACK").run()
                }
                throw error
            }
        }
    }
}
