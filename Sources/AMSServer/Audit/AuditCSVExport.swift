import AMSCore
import Fluent
import Foundation
import NIOCore
import SQLKit

/// The audit log as CSV, written a batch at a time in sequence order (``AuditEntryBatches``: keyset on `sequence`, so
/// each read costs the same however far the export is; the next batch read while this one is written): memory stays
/// flat however long the log. The page's export streams it to the client; the benchmark counts it.
package struct AuditCSVExport: Sendable {
    static let columns = ["sequence", "occurred_at_utc", "actor", "role", "action", "target_type", "target_id", "outcome",
                          "client_address", "request_id", "details", "mac"]
    /// Entries read and written at a time.
    static let batchSize = 2000

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
        var written = 0
        try await AuditEntryBatches(database: database, batchSize: Self.batchSize, narrow: narrow).forEach(after: 0) { batch in
            var csv = CSVWriter()
            for entry in batch {
                csv.row([String(entry.sequence), Self.utcMilliseconds(entry.occurredAt), entry.actorName, entry.actorRole, entry.action,
                         entry.targetType, entry.targetID, entry.outcome, entry.clientAddress, entry.requestID, entry.details, entry.mac])
            }
            if !batch.isEmpty { try await sink(ByteBuffer(string: csv.text)) }
            written += batch.count
            return true
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
        // digits placed by hand: String(format:) cost as much as the rest of a row
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); text.append(UInt8(ascii: "-")); digits(Int(parts.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-")); digits(Int(parts.tm_mday), 2); text.append(UInt8(ascii: "T")); digits(Int(parts.tm_hour), 2)
        text.append(UInt8(ascii: ":")); digits(Int(parts.tm_min), 2); text.append(UInt8(ascii: ":")); digits(Int(parts.tm_sec), 2)
        text.append(UInt8(ascii: ".")); digits(millis, 3); text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}
