import Foundation
import SQLiteKit
import SQLiteNIO

extension AuditEntryBatches {
    /// Runs a batch's query (SQL and binds as SQLKit wrote them) on SQLite and reads its rows.
    static func read(_ query: (sql: String, binds: [any Encodable & Sendable]), on sqlite: any SQLiteDatabase) async throws -> [Row] {
        let encoder = SQLiteDataEncoder()
        let binds = try query.binds.map { try encoder.encode($0) }
        return try await sqlite.query(query.sql, binds).map(Row.init(sqlite:))
    }
}

extension AuditEntryBatches.Row {
    /// The entry in an SQLite row: integers, text, and the time as SQLite's driver stores a `Date`.
    init(sqlite row: SQLiteRow) throws {
        func cell<Value>(_ column: String, _ read: (SQLiteData) -> Value?) throws -> Value {
            guard let data = row.column(column), let value = read(data) else {
                throw AuditEntryBatches.ReadFailure(description: "audit entry: column \(column) could not be read")
            }
            return value
        }
        func text(_ column: String) throws -> String { try cell(column, String.init(sqliteData:)) }
        let actorID: UUID? = switch row.column("actor_id") {
        case .null?: nil
        default: try cell("actor_id") { $0.string.flatMap(UUID.init(uuidString:)) }
        }
        self.init(sequence: try cell("sequence", Int64.init(sqliteData:)), occurredAt: try cell("occurred_at", Date.init(sqliteData:)),
                  actorID: actorID, actorName: try text("actor_name"), actorRole: try text("actor_role"), action: try text("action"),
                  targetType: try text("target_type"), targetID: try text("target_id"), outcome: try text("outcome"),
                  clientAddress: try text("client_address"), requestID: try text("request_id"), details: try text("details"),
                  previousMAC: try text("previous_mac"), mac: try text("mac"))
    }
}
