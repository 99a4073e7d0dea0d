import Fluent
import Foundation
import SQLiteNIO
import SQLiteKit
import SQLKit

/// One row of a ``ModelReader`` query as Fluent's models read it: columns by their plain names (the query selects
/// one table), and on SQLite the common value types converted as SQLiteNIO converts them, without the generic
/// decoder's casts. Other types (text enumerations) go through SQLiteKit's decoder, as Fluent's reader would.
struct RowOutput: DatabaseOutput {
    enum Row: Sendable {
        case sqlite(SQLiteRow)
        case sql(any SQLRow)
    }

    let row: Row

    init(_ row: Row) {
        self.row = row
    }

    var description: String {
        switch row {
        case .sqlite(let row): row.description
        case .sql(let row): "\(row.allColumns)"
        }
    }

    /// The columns are not qualified: every schema reads the same row.
    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool {
        switch row {
        case .sqlite(let row): row.column(key.description) != nil
        case .sql(let row): row.contains(column: key.description)
        }
    }

    func decodeNil(_ key: FieldKey) throws -> Bool {
        switch row {
        case .sqlite(let row): try Self.data(row, key) == .null
        case .sql(let row): try row.decodeNil(column: key.description)
        }
    }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        switch row {
        case .sqlite(let row): try Self.decode(try Self.data(row, key), as: type)
        case .sql(let row): try row.decode(column: key.description, as: type)
        }
    }

    /// nil for SQL NULL, else the value.
    func decodeIfPresent<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T? {
        try decodeNil(key) ? nil : try decode(key, as: type)
    }

    /// The rows of `select`: on SQLite through SQLiteNIO directly (the statement as SQLKit writes it, the binds as
    /// SQLiteKit encodes them), elsewhere through SQLKit.
    static func rows(of select: SQLSelectBuilder, on database: any Database) async throws -> [RowOutput] {
        let sql = database as! any SQLDatabase
        guard let sqlite = database as? any SQLiteDatabase else {
            return try await select.all().map { RowOutput(.sql($0)) }
        }
        let (statement, binds) = sql.serialize(select.select)
        let encoder = SQLiteDataEncoder()
        return try await sqlite.query(statement, try binds.map { try encoder.encode($0) }).map { RowOutput(.sqlite($0)) }
    }

    private static func data(_ row: SQLiteRow, _ key: FieldKey) throws -> SQLiteData {
        guard let data = row.column(key.description) else {
            throw DecodingError.keyNotFound(SomeKey(key.description), .init(codingPath: [], debugDescription: "no column \(key)"))
        }
        return data
    }

    /// As SQLiteKit's decoder converts `data`, with the types models use most tried first by identity.
    static func decode<T: Decodable>(_ data: SQLiteData, as type: T.Type) throws -> T {
        func converted<C: SQLiteDataConvertible>(_ convertible: C.Type) throws -> T {
            guard let value = C(sqliteData: data) else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [], debugDescription: "cannot read \(data) as \(T.self)"))
            }
            return value as! T
        }
        if T.self == String.self { return try converted(String.self) }
        if T.self == Date.self { return try converted(Date.self) }
        if T.self == Int.self { return try converted(Int.self) }
        if T.self == Int64.self { return try converted(Int64.self) }
        if T.self == Bool.self { return try converted(Bool.self) }
        if T.self == Data.self { return try converted(Data.self) }
        if T.self == Double.self { return try converted(Double.self) }
        if T.self == UUID.self, case .text(let text) = data, let uuid = UUID(uuidString: text) { return uuid as! T }
        return try SQLiteDataDecoder().decode(T.self, from: data)
    }

    private struct SomeKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
