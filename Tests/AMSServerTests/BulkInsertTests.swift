@testable import AMSServer
import AMSCore
import Foundation
import SQLiteKit
import Testing

@Suite("Bulk inserts")
struct BulkInsertTests {
    @Test func valuesAreBoundOnSQLiteExactlyAsSQLiteKitsEncoderBindsThem() throws {
        // what the rows read back through the models depends on it
        let encoder = SQLiteDataEncoder()
        let values: [any Encodable & Sendable] = [
            UUID(), UUID?.some(UUID()), UUID?.none, Int64(7), 3, Date(timeIntervalSince1970: 1_800_000_000.125), "teks", String?.none,
            String?.some("ada"), Data([1, 2, 3]), Data?.none, AuditOutcome.failure, OutboxMessageModel.Status.pending, true, 2.5,
        ]
        for value in values {
            #expect(try BulkInsert.sqliteData(value, encoder: encoder) == encoder.encode(value), "\(type(of: value))")
        }
    }
}
