@testable import AMSServer
import AMSCore
import Fluent
import FluentKit
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 21: installations made by earlier schemas, kept as fixtures with data in them (`Tests/Fixtures/schema/`,
/// written by `scripts/make-schema-fixture` as `ams backup create` writes a backup), are restored and migrated to the
/// newest schema on both engines; their data stays readable and their audit chain intact.
@Suite("Schema upgrades: installations of earlier schemas migrate to the newest")
struct SchemaUpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema").path
    /// The PostgreSQL fixtures' schema (`ams backup create` keeps the schema's name in its copy).
    static let fixtureSchema = "ams_schema_fixture"

    @Test(arguments: TestDatabase.all)
    func everyFixtureMigratesToTheNewestSchemaWithItsData(db: TestDatabase) async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures).filter { !$0.hasPrefix(".") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let folder = Self.fixtures + "/" + name
            let scratch = NSTemporaryDirectory() + "ams-schema-upgrade-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            var target = AppConfiguration(attachmentDirectory: scratch + "/attachments")
            switch db {
            case .sqlite: target.database = .sqliteFile(path: scratch + "/ams.sqlite")
            case .postgres: target.database = .postgres(url: TestDatabase.postgresURL!, searchPath: Self.fixtureSchema)
            }
            let engine = db == .sqlite ? "sqlite" : "postgresql"
            let manifest = try BackupManifest.read(from: folder + "/" + engine)
            // act: restore the earlier installation, then open it with this AMS (which migrates it)
            try BackupRestorer(configuration: target).restore(from: folder + "/" + engine) { _ in }
            let secrets = try ServerSecrets.loadOrCreate(path: folder + "/ams-secret.key")
            let kek = try CAKeyEncryptionKeyLoader.load(CertificateSettings(keyEncryptionKeyFile: folder + "/ams-ca-kek.key"))
            try await TestApp.with(db, tweak: { $0.database = target.database; $0.attachmentDirectory = target.attachmentDirectory },
                                   secrets: secrets, keyEncryptionKey: kek) { t in
                // check: every migration of this AMS applied, the fixture's own among them
                let applied = Set(try await MigrationLog.query(on: t.db).all().map(\.name))
                #expect(applied == Set(Migrations.all.map(\.name)), "\(name)")
                #expect(applied.contains(manifest.schema))
                // the audit chain intact over every entry, with the installation's key
                let report = try await t.services.auditVerifier.verify(on: t.db)
                #expect(report.isIntact && report.checkedEntries > 40, "\(name): \(report)")
                // the made-up data readable through today's models: requests and their timings, certificates whose
                // status the OCSP responder reads, the CA keys, the time-standard report's tallies
                #expect(try await RegistrationRequestModel.query(on: t.db).count() == 60)
                let certificates = try await CertificateModel.query(on: t.db).all()
                #expect(certificates.count == 20)
                let loaded = try await t.services.caKeys.current(on: t.db)
                let serials = certificates.compactMap { $0.serialHex.flatMap { [UInt8](hex: $0) } }
                let statuses = try await OCSPResponder(services: t.services).lookUp(serials, issuerID: loaded.issuingID, on: t.db)
                #expect(statuses.count == certificates.filter { $0.status == .issued || $0.status == .revoked }.count && !statuses.isEmpty)
                // and the month tallies (037) filled from them: each month the sum of its days
                var months: [Int: StepDurationTally] = [:]
                for record in try await StepDurationDayModel.query(on: t.db).all() {
                    months[StepDurationPeriod.month.number(of: record.id!), default: StepDurationTally()]
                        .add(try StepDurationTally(decoding: Array(record.tally)))
                }
                var filled: [Int: StepDurationTally] = [:]
                for row in try await t.sql.raw("SELECT month, tally FROM step_duration_months").all() {
                    filled[try row.decode(column: "month", as: Int.self)] = try StepDurationTally(decoding: Array(try row.decode(column: "tally", as: Data.self)))
                }
                #expect(!months.isEmpty && filled == months, "\(name)")
                if case .postgres = db { try await t.sql.raw("DROP SCHEMA \(ident: Self.fixtureSchema) CASCADE").run() }
            }
        }
    }
}
