import Fluent
import Foundation
import SQLKit

/// Deletes a table's rows that match a condition a batch at a time, one write transaction per batch
/// (`DELETE … WHERE id IN (SELECT id … LIMIT n) RETURNING …`), until a batch comes back short: a long backlog never
/// holds SQLite's write lock for long. The housekeeping pass prunes with it. Two instances pruning at once delete
/// disjoint rows (or wait on each other's row locks), and each sees only the rows its own statements deleted.
struct BatchedDelete: Sendable {
    /// The table; its primary key is `id`.
    let table: String
    /// The rows to delete: the `WHERE` of the batch's inner `SELECT` (an index should lead with it).
    let condition: SQLQueryString
    let batchSize: Int

    /// Deletes every matching row; returns how many. `alongside` gets each batch's deleted rows' `returning` column (a
    /// UUID), in that batch's transaction: an audit entry per row is committed with the delete or not at all.
    func run(on database: any Database, returning column: String = "id",
             alongside: @escaping @Sendable (_ deleted: [UUID], _ database: any Database) async throws -> Void = { _, _ in }
    ) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await WriteTransaction.run(on: database) { db in
                let values = try await (db as! any SQLDatabase).raw("""
                    DELETE FROM \(ident: table) WHERE id IN
                    (SELECT id FROM \(ident: table) WHERE \(condition) LIMIT \(literal: batchSize)) RETURNING \(ident: column)
                    """).all().map { try $0.decode(column: column, as: UUID.self) }
                try await alongside(values, db)
                return values.count
            }
            total += deleted
            if deleted < batchSize { return total }
        }
    }
}
