import Fluent
import SQLiteNIO
import SQLKit

/// Multi-row INSERTs for the bulk paths (a batch of issuances writes hundreds of audit entries and mails at once).
/// Fluent's `[Model].create` builds the same statement but reflects over every model's properties first, which costs
/// more than the database work itself. Values are bound exactly as Fluent binds them, so the rows read back through
/// the models unchanged.
struct BulkInsert: Sendable {
    let table: String
    let columns: [String]

    /// Inserts `rows` (each with one value per column, in column order) in as few statements as the databases'
    /// limit on bound parameters allows.
    func run(_ rows: [[BulkValue]], on database: any Database) async throws {
        guard !rows.isEmpty else { return }
        // SQLite allows 32766 bound parameters per statement, PostgreSQL 65535
        let perStatement = max(1, 30_000 / max(1, columns.count))
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            for row in chunk {
                precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns of \(table)")
            }
            if let sqlite = database as? any SQLiteDatabase {
                try await runOnSQLite(chunk, sqlite)
            } else {
                let insert = (database as! any SQLDatabase).insert(into: table).columns(columns)
                for row in chunk { insert.values(row.map(\.encodable)) }
                try await insert.run()
            }
        }
    }

    /// SQLite: the statement written directly and the values bound as they are (building it through SQLKit and
    /// encoding every value cost more than SQLite's own work for an audit entry).
    private func runOnSQLite(_ rows: ArraySlice<[BulkValue]>, _ sqlite: any SQLiteDatabase) async throws {
        var binds: [SQLiteData] = []
        let statement = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
            + BulkValue.sqliteRows(rows, width: columns.count, binds: &binds)
        _ = try await sqlite.query(statement, binds)
    }
}
