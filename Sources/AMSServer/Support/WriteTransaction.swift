import Fluent
import Foundation
import SQLKit

/// One database transaction per state change. On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock
/// up front: a deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another
/// connection wrote in between, and the busy handler cannot help there. Nested calls join the outer transaction.
enum WriteTransaction {
    @TaskLocal static var isActive = false

    static func run<T: Sendable>(on database: any Database,
                                 _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isActive || database.inTransaction { return try await body(database) }
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await database.transaction { transaction in
                try await $isActive.withValue(true) { try await body(transaction) }
            }
        }
        return try await database.withConnection { connection in
            let connectionSQL = connection as! any SQLDatabase
            try await connectionSQL.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await $isActive.withValue(true) { try await body(connection) }
                try await connectionSQL.raw("COMMIT").run()
                return result
            } catch {
                try? await connectionSQL.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
