import Fluent
import SQLKit

/// Multi-row INSERTs straight through SQLKit, for the bulk paths (a batch of issuances writes hundreds of audit
/// entries and mails at once). Fluent's `[Model].create` builds the same statement but reflects over every model's
/// properties first, which costs more than the database work itself. Values are bound exactly as Fluent binds them,
/// so the rows read back through the models unchanged.
struct BulkInsert: Sendable {
    let table: String
    let columns: [String]

    /// Inserts `rows` (each with one value per column, in column order) in as few statements as the databases'
    /// limit on bound parameters allows.
    func run(_ rows: [[any Encodable & Sendable]], on database: any Database) async throws {
        guard !rows.isEmpty else { return }
        let sql = database as! any SQLDatabase
        // SQLite allows 32766 bound parameters per statement, PostgreSQL 65535
        let perStatement = max(1, 30_000 / max(1, columns.count))
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] {
                precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns of \(table)")
                insert.values(row)
            }
            try await insert.run()
        }
    }
}
