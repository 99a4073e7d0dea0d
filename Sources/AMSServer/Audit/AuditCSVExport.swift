import AMSCore
import Fluent
import Foundation
import NIOCore

/// The audit log as CSV, written a batch at a time in sequence order: a batch is read (keyset on `sequence`, so each
/// read costs the same however far the export is), turned into CSV and handed to the sink before the next is read —
/// memory stays flat however long the log. The page's export streams it to the client; the benchmark counts it.
package struct AuditCSVExport: Sendable {
    static let columns = ["sequence", "occurred_at_utc", "actor", "role", "action", "target_type", "target_id", "outcome",
                          "client_address", "request_id", "details", "mac"]
    /// Entries read and written at a time.
    static let batchSize = 1000

    let database: any Database
    /// The filter, applied to every batch's query.
    let narrow: @Sendable (QueryBuilder<AuditEntryModel>) -> QueryBuilder<AuditEntryModel>

    init(database: any Database, narrow: @escaping @Sendable (QueryBuilder<AuditEntryModel>) -> QueryBuilder<AuditEntryModel>) {
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
        let times = ISO8601DateFormatter.withMilliseconds
        var lastSequence: Int64 = 0
        var written = 0
        while true {
            let batch = try await narrow(AuditEntryModel.query(on: database)).filter(\.$sequence > lastSequence)
                .sort(\.$sequence).limit(Self.batchSize).all()
            guard let last = batch.last else { break }
            var csv = CSVWriter()
            for entry in batch {
                csv.row([String(entry.sequence), times.string(from: entry.occurredAt), entry.actorName, entry.actorRole, entry.action,
                         entry.targetType, entry.targetID, entry.outcome.rawValue, entry.clientAddress, entry.requestID, entry.details,
                         entry.mac])
            }
            try await sink(ByteBuffer(string: csv.text))
            written += batch.count
            lastSequence = last.sequence
            if batch.count < Self.batchSize { break }
        }
        return written
    }
}
