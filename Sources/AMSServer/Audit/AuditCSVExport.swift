import AMSCore
import Fluent
import Foundation
import NIOCore
import SQLKit

/// The audit log as CSV, written a batch at a time in sequence order: a batch is read (keyset on `sequence`, so each
/// read costs the same however far the export is), turned into CSV and handed to the sink before the next is read —
/// memory stays flat however long the log. Rows are read as plain SQL rows, not models (the models' decoding was most
/// of the time). The page's export streams it to the client; the benchmark counts it.
package struct AuditCSVExport: Sendable {
    static let columns = ["sequence", "occurred_at_utc", "actor", "role", "action", "target_type", "target_id", "outcome",
                          "client_address", "request_id", "details", "mac"]
    /// The table's columns in the CSV's order.
    static let stored = ["sequence", "occurred_at", "actor_name", "actor_role", "action", "target_type", "target_id", "outcome",
                         "client_address", "request_id", "details", "mac"]
    /// Entries read and written at a time.
    static let batchSize = 1000

    let database: any Database
    /// The filter, applied to every batch's query.
    let narrow: @Sendable (SQLSelectBuilder) -> SQLSelectBuilder

    init(database: any Database, narrow: @escaping @Sendable (SQLSelectBuilder) -> SQLSelectBuilder) {
        self.database = database
        self.narrow = narrow
    }

    /// The whole log.
    package init(database: any Database) {
        self.init(database: database) { $0 }
    }

    /// Writes the header and every entry the filter keeps; returns how many entries.
    @discardableResult
    package func write(to sink: (ByteBuffer) async throws -> Void) async throws -> Int {
        var header = CSVWriter()
        header.row(Self.columns)
        try await sink(ByteBuffer(string: header.text))
        let sql = database as! any SQLDatabase
        var lastSequence: Int64 = 0
        var written = 0
        while true {
            let batch = try await narrow(sql.select().columns(Self.stored.map { SQLIdentifier($0) }).from(AuditEntryModel.schema)
                .where("sequence", .greaterThan, lastSequence)).orderBy("sequence").limit(Self.batchSize).all()
            var csv = CSVWriter()
            for row in batch {
                lastSequence = try row.decode(column: "sequence", as: Int64.self)
                var cells = [String(lastSequence), Self.utcMilliseconds(try row.decode(column: "occurred_at", as: Date.self))]
                for column in Self.stored.dropFirst(2) { cells.append(try row.decode(column: column, as: String.self)) }
                csv.row(cells)
            }
            if !batch.isEmpty { try await sink(ByteBuffer(string: csv.text)) }
            written += batch.count
            if batch.count < Self.batchSize { break }
        }
        return written
    }

    /// `2026-12-01T08:30:05.123Z`: UTC, milliseconds (truncated; the time is first rounded to the microsecond, as
    /// the databases keep it, so binary fractions such as .123 = .12299999… do not lose a millisecond).
    static func utcMilliseconds(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(microseconds / 1_000_000)
        let millis = Int(microseconds % 1_000_000 / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}
