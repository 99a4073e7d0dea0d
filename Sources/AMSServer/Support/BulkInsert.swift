import Fluent
import Foundation
import SQLiteKit
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
                for row in chunk { insert.values(row) }
                try await insert.run()
            }
        }
    }

    /// SQLite: the statement written directly and the values converted as SQLiteKit's encoder converts them, with
    /// its slow path (an `Encoder` per value) skipped for identifiers and text enumerations. Building the statement
    /// through SQLKit and encoding every value cost more than SQLite's own work for an audit entry.
    private func runOnSQLite(_ rows: ArraySlice<[any Encodable & Sendable]>, _ sqlite: any SQLiteDatabase) async throws {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let statement = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
            + Array(repeating: placeholders, count: rows.count).joined(separator: ",")
        let encoder = SQLiteDataEncoder()
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * columns.count)
        for row in rows {
            for value in row { binds.append(try Self.sqliteData(value, encoder: encoder)) }
        }
        _ = try await sqlite.query(statement, binds)
    }

    /// What `SQLiteDataEncoder.encode` makes of `value`, faster for the common types.
    static func sqliteData(_ value: any Encodable & Sendable, encoder: SQLiteDataEncoder) throws -> SQLiteData {
        switch value {
        case let uuid as UUID: return .text(uuid.uuidString)
        case let convertible as any SQLiteDataConvertible: if let data = convertible.sqliteData { return data }
        case let text as any RawRepresentable<String>: return .text(text.rawValue)
        default: break
        }
        return try encoder.encode(value)
    }
}
