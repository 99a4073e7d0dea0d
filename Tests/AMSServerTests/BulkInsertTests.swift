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
        let values: [BulkValue] = [
            .text("teks"), .text(""), .integer(7), .integer(-8), .uuid(UUID()), .uuid(nil), .date(Date(timeIntervalSince1970: 1_800_000_000.125)),
            .raw(AuditOutcome.failure), .raw(OutboxMessageModel.Status.pending), .blob(Data([0x30, 0x82, 0x00, 0xFF])), .blob(Data()),
        ]
        for value in values {
            #expect(try value.sqliteData == encoder.encode(value.encodable), "\(value)")
        }
        // a text enumeration is bound as its raw value, as its own Encodable conformance writes it
        #expect(try BulkValue.raw(AuditOutcome.denied).sqliteData == encoder.encode(AuditOutcome.denied))
    }

    @Test func aValuesListHasOneGroupPerRowAndBindsInRowOrder() {
        var binds: [SQLiteData] = [.text("before")]
        let list = BulkValue.sqliteRows([[.text("a"), .integer(1)], [.text("b"), .integer(2)]], width: 2, binds: &binds)
        #expect(list == "(?,?),(?,?)")
        #expect(binds == [.text("before"), .text("a"), .integer(1), .text("b"), .integer(2)])
    }
}
