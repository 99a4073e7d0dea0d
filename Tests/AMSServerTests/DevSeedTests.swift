@testable import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit
import Testing
import X509

/// Issue 20: `ams dev seed` makes the sizes it is asked for — requests in every SOP step with their step timings,
/// certificates signed by the installation's issuing CA, audit entries on the real chain — and refuses a database
/// that already holds requests or certificates.
@Suite("ams dev seed: made-up data at scale, never over real data")
struct DevSeedTests {
    @Test(arguments: TestDatabase.all)
    func seedMakesTheSizesAskedForAndRefusesASecondRun(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let entriesBefore = try await AuditEntryModel.query(on: t.db).count()
            try await DevSeed(services: t.services, database: t.db).run(.init(requests: 1500, certificates: 40, audit: 300, agencies: 3))
            // requests: the number asked for, most finished, some waiting in each timed step with their step's timing open
            let requests = try await RegistrationRequestModel.query(on: t.db).all()
            #expect(requests.count == 1500 && Set(requests.map(\.trackingNumber)).count == 1500)
            #expect(requests.filter { $0.status == .verified }.count > 1200)
            for step in WorkflowStep.allCases {
                #expect(requests.contains { $0.currentStep == step && $0.stepStartedAt != nil }, "nobody waits in \(step)")
            }
            let open = try await StepTimingModel.query(on: t.db).filter(\.$endedAt == nil).count()
            #expect(open == requests.filter { $0.currentStep != nil }.count)
            // certificates: signed by the issuing CA, one in twenty revoked
            let loaded = try await t.services.caKeys.current(on: t.db)
            let certificates = try await CertificateModel.query(on: t.db).all()
            #expect(certificates.count == 40 && certificates.filter { $0.status == .revoked }.count == 2)
            for record in certificates {
                let certificate = try Certificate(derEncoded: Array(try #require(record.certificateDER)))
                #expect(certificate.issuer == loaded.issuing.certificate.subject)
                #expect(loaded.issuing.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
                #expect(Array(certificate.serialNumber.bytes).hexString == record.serialHex)
            }
            // audit: the entries asked for and the seed's own, on a chain that verifies
            #expect(try await AuditEntryModel.query(on: t.db).count() >= entriesBefore + 301)
            #expect(try await t.auditActions().contains(AuditAction.dataSeeded.rawValue))
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
            // PostgreSQL: the seeded tables vacuumed and analysed by the seed itself (not autovacuum), so the planner
            // knows what the seed made
            if db == .postgres {
                let sql = t.db as! any SQLDatabase
                let done = try await waitUntil {
                    let rows = try await sql.raw("""
                        SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND vacuum_count > 0 AND analyze_count > 0
                        """).all()
                    return Set(try rows.map { try $0.decode(column: "relname", as: String.self) }).isSuperset(of: DevSeed.seededTables)
                }
                #expect(done)
            }
            // a second run finds data and changes nothing
            await #expect(throws: DevSeed.Refused.self) {
                try await DevSeed(services: t.services, database: t.db).run(.init(requests: 1, certificates: 0, audit: 0))
            }
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1500)
        }
    }
}
