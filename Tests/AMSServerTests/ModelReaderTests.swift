@testable import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLiteKit
import Testing

@Suite("ModelReader: the models Fluent's query builder reads, read faster")
struct ModelReaderTests {
    /// Every field of a model as it encodes (a column added later is compared too).
    private func fields(_ model: CertificateModel) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(model), as: UTF8.self)
    }

    @Test(arguments: TestDatabase.all)
    func certificatesInEveryStateReadAsFluentReadsThem(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a wrapped key, CSRs; pending, issued and revoked (reason and invalidity date), nulls in between;
            // times with fractions of a second
            t.clock.advance(by: 0.123_4)
            let (caOperator, service, pending) = try await t.pendingBatch(4) { index in
                index == 0 ? .passphrase(TestApp.passphrase, confirmation: TestApp.passphrase) : try TestApp.csrSource(commonName: "Pemegang \(index)")
            }
            let issued = try await service.approveMany(Array(pending.prefix(3)), expectedVersions: Dictionary(
                uniqueKeysWithValues: pending.prefix(3).map { ($0.id!, $0.version) }), by: caOperator, context: .system("test"))
            try await service.revoke(issued[2], reason: .keyCompromise, invalidityDate: t.clock.now.addingTimeInterval(-3600),
                                     actor: caOperator.actor, revokerUserID: caOperator.id, context: .system("test"))
            let ids = pending.map { $0.id! }
            // act
            let read = try await ModelReader<CertificateModel>(where: [.isIn("id", ids.map { .uuid($0) })]).all(on: t.db)
            // check: the same rows, every field equal, each marked as stored (an update after reading must not insert)
            let expected = try await CertificateModel.query(on: t.db).filter(\.$id ~~ ids).all()
            #expect(Set(read.map(\.id)) == Set(ids))
            for model in read {
                let fluent = try #require(expected.first { $0.id == model.id })
                #expect(try fields(model) == (try fields(fluent)))
                #expect(model.$id.exists)
            }
            #expect(Set(read.map(\.status)) == [.issued, .revoked, .pending])
            #expect(read.contains { $0.wrappedKey != nil } && read.contains { $0.csrDER != nil } && read.contains { $0.revocationReason != nil })
        }
    }

    @Test(arguments: TestDatabase.all)
    func conditionsAndLimitSelectTheRows(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (caOperator, service, pending) = try await t.pendingBatch(3) { try TestApp.csrSource(commonName: "Pemegang \($0)") }
            _ = try await service.approveMany([pending[0]], expectedVersions: [pending[0].id!: pending[0].version], by: caOperator,
                                              context: .system("test"))
            let stillPending = try await ModelReader<CertificateModel>(where: [.equals("status", .raw(CertificateStatus.pending))]).all(on: t.db)
            #expect(Set(stillPending.map(\.id)) == [pending[1].id, pending[2].id])
            let both = try await ModelReader<CertificateModel>(where: [
                .equals("status", .raw(CertificateStatus.pending)), .isIn("id", [.uuid(pending[0].id), .uuid(pending[1].id)]),
            ]).all(on: t.db)
            #expect(both.map(\.id) == [pending[1].id])
            #expect(try await ModelReader<CertificateModel>(where: [], limit: 2).all(on: t.db).count == 2)
            #expect(try await ModelReader<CertificateModel>(where: [.isIn("id", [])]).all(on: t.db).isEmpty)
        }
    }

    @Test("SQLite values convert as SQLiteKit's decoder converts them, and a wrong type is refused")
    func sqliteConversions() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123_456_7)
        let uuid = UUID()
        #expect(try RowOutput.decode(.float(date.timeIntervalSince1970), as: Date.self)
                == (try SQLiteDataDecoder().decode(Date.self, from: .float(date.timeIntervalSince1970))))
        #expect(try RowOutput.decode(.text(uuid.uuidString), as: UUID.self) == uuid)
        #expect(try RowOutput.decode(.integer(1), as: Bool.self))
        #expect(try RowOutput.decode(.integer(42), as: Int.self) == 42)
        #expect(try RowOutput.decode(.text("revoked"), as: CertificateStatus.self) == .revoked)
        #expect(throws: (any Error).self) { try RowOutput.decode(.text("x"), as: Int.self) }
        #expect(throws: (any Error).self) { try RowOutput.decode(.null, as: String.self) }
    }
}
