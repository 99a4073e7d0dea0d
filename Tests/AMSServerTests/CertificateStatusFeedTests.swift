@testable import AMSServer
import AMSPKI
import Fluent
import Foundation
import PostgresKit
import SQLKit
import Testing

/// Issue 21: on PostgreSQL the OCSP responder keeps statuses only while it hears of sibling instances' revocations.
@Suite struct CertificateStatusFeedTests {
    @Test(arguments: TestDatabase.all.filter { $0 == .postgres })
    func keptStatusesFollowRevocationsAnnouncedByAnyInstance(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let serial = try #require(record.serialHex)
            let serialBytes = stride(from: 0, to: serial.count, by: 2).map { offset in
                UInt8(serial.dropFirst(offset).prefix(2), radix: 16)!
            }
            let responder = OCSPResponder(services: t.services)
            let cache = t.services.ocspStatuses
            func answer() async throws -> [String: OCSPCertificateStatus] {
                try await responder.statuses(of: [serialBytes], issuerID: loaded.issuingID, on: t.db)
            }
            // not listening: nothing kept, every answer reads the database
            _ = try await answer()
            #expect(cache.statuses(of: [serial]) == nil)
            let feed = CertificateStatusFeed(connection: try SQLPostgresConfiguration(url: TestDatabase.postgresURL!).coreConfiguration)
            try await feed.didBootAsync(t.app)
            #expect(try await waitUntil { cache.isEnabled })
            #expect(try await answer() == [serial: .good])
            #expect(cache.statuses(of: [serial]) == [serial: .good])
            // a sibling revokes without announcing it: the kept answer stands (nothing reads the database) ...
            try await t.sql.raw("UPDATE certificates SET status = 'revoked', revoked_at = \(bind: Date()) WHERE serial_hex = \(bind: serial)").run()
            #expect(try await answer() == [serial: .good])
            // ... until the announcement arrives, as every revocation's transaction sends it
            try await WriteTransaction.run(on: t.db) { db in try await CertificateStatusFeed.announce(on: db) }
            #expect(try await waitUntil { cache.statuses(of: [serial]) == nil })
            guard case .revoked = try await answer()[serial] else { Issue.record("not revoked after the announcement"); return }
            // an announcement rolled back with its transaction is never heard
            _ = try await answer()
            _ = try? await WriteTransaction.run(on: t.db) { db -> Void in
                try await CertificateStatusFeed.announce(on: db)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(cache.statuses(of: [serial]) != nil)
            // the listening connection lost: nothing is kept until it listens again (only this installation's feed:
            // other tests' feeds listen on the same server at the same time)
            let schema = try await t.sql.raw("SELECT current_schema() AS name").first()!.decode(column: "name", as: String.self)
            try await t.sql.raw("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = \(bind: CertificateStatusFeed.applicationName(schema: schema))
                """).run()
            #expect(try await waitUntil { !cache.isEnabled })
            #expect(cache.statuses(of: [serial]) == nil)
            #expect(try await waitUntil { cache.isEnabled })
            await feed.shutdownAsync(t.app)
            #expect(!cache.isEnabled)
        }
    }
}
