import Foundation
import NIOCore
import SQLiteNIO

/// A value of a ``BulkInsert`` row (or of another statement written for a bulk path), typed so that neither database's path needs a dynamic cast per value (the casts
/// from `any Encodable` cost more than SQLite's own work for an audit entry).
enum BulkValue: Sendable {
    case text(String)
    case integer(Int)
    case uuid(UUID?)
    case date(Date)
    case blob(Data)

    /// A text enumeration, bound as its raw value (as Fluent binds it).
    static func raw(_ value: some RawRepresentable<String>) -> BulkValue { .text(value.rawValue) }

    /// The value as Fluent's models bind it (PostgreSQL's encoder takes it from here).
    var encodable: any Encodable & Sendable {
        switch self {
        case .text(let text): text
        case .integer(let number): number
        case .uuid(let uuid): uuid
        case .date(let date): date
        case .blob(let data): data
        }
    }

    /// The value as SQLiteKit's encoder would bind ``encodable`` (checked by the tests, value by value).
    var sqliteData: SQLiteData {
        switch self {
        case .text(let text): .text(text)
        case .integer(let number): .integer(number)
        case .uuid(let uuid): uuid.map { .text($0.uuidString) } ?? .null
        case .date(let date): .float(date.timeIntervalSince1970)
        case .blob(let data): .blob(ByteBuffer(data: data))
        }
    }

    /// The placeholders of a multi-row `VALUES` list on SQLite, `(?,?),(?,?)…`, one group of `width` per row; the
    /// rows' values are appended to `binds` in the same order.
    static func sqliteRows(_ rows: some Collection<[BulkValue]>, width: Int, binds: inout [SQLiteData]) -> String {
        let group = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        binds.reserveCapacity(binds.count + rows.count * width)
        for row in rows {
            for value in row { binds.append(value.sqliteData) }
        }
        return Array(repeating: group, count: rows.count).joined(separator: ",")
    }
}
