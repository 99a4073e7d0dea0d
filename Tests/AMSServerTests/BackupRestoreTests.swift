@testable import AMSServer
import AMSCore
import AMSPKI
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 21's restore drill: a backup taken while AMS holds certificates (one revoked), CRLs and request documents;
/// more CRLs published after it; the installation lost; the backup restored into an empty one. Then the audit chain
/// verifies, OCSP (asked by openssl) answers for the old serials, the next CRL's number is above every number
/// published before and after the backup, and the documents are byte for byte those stored. A damaged backup and a
/// restore over data are refused.
@Suite("Backup and restore: the restore drill")
struct BackupRestoreTests {
    @Test(arguments: TestDatabase.all)
    func restoredInstallationVerifiesAnswersAndNeverReusesACRLNumber(db: TestDatabase) async throws {
        let secrets = ServerSecrets(masterKey: SymmetricKey(size: .bits256)), kek = KeyEncryptionKey.random()
        let scratch = NSTemporaryDirectory() + "ams-backup-drill-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let backup = scratch + "/backup"
        var target = AppConfiguration(attachmentDirectory: scratch + "/restored/attachments")
        var published: [Int64] = [], certificates: [(der: [UInt8], revoked: Bool)] = [], documents: [String: [UInt8]] = [:]
        var entriesAtBackup = 0
        // OCSP clients check thisUpdate against the real clock: AMS runs at real time here
        let clock = CertificateRevocationTests.realClock()
        try await TestApp.with(db, clock: clock, secrets: secrets, keyEncryptionKey: kek) { t in
            // setup: two certificates, one of them revoked (which publishes CRLs), a request with its two documents
            let loaded = try await t.certificateAuthority()
            let agency = try await t.agency()
            let request = try await t.submittedRequest(agency: agency)
            let caOperator = try await t.user("op.ca", role: .caOperator)
            let kept = try await t.issuedCertificate(for: try await t.verifiedHolder("198501012010011003", agency: agency, fullName: "Budi Santoso"),
                                                     approver: caOperator)
            let revoked = try await t.issuedCertificate(for: try await t.verifiedHolder("197001012000011001", agency: agency, fullName: "Ani Lestari"),
                                                        approver: caOperator)
            clock.advance(by: 1)
            try await t.certificateService().revoke(revoked, reason: .keyCompromise, invalidityDate: nil, actor: caOperator.actor,
                                                    revokerUserID: caOperator.id, context: .system("test"))
            certificates = [(Array(try await t.record(kept.id).certificateDER!), false), (Array(try await t.record(revoked.id).certificateDER!), true)]
            for attachment in try await RegistrationAttachmentModel.query(on: t.db).filter(\.$request.$id == request.id!).all() {
                documents[attachment.storageKey] = try await t.services.attachments.read(attachment.storageKey)
            }
            published.append(try #require(try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first()).number)
            entriesAtBackup = try await AuditEntryModel.query(on: t.db).count()
            // act: the backup, then CRLs published after it (three, as revocations or the schedule would)
            let manifest = try await BackupCreator(configuration: t.services.configuration, database: t.db, now: clock.now).create(in: backup)
            #expect(manifest.files.count == 1 + documents.count && manifest.crlNumbers["issuing"] == published[0])
            for _ in 0..<3 {
                published.append(try await CRLPublisher(services: t.services).publish(on: t.db)[0].number)
                clock.advance(by: 0.001)
            }
            // the installation to restore into: SQLite, a new file; PostgreSQL, this schema (gone with this app)
            target.database = switch t.services.configuration.database {
            case .postgres(let url, let schema): .postgres(url: url, searchPath: schema)
            default: .sqliteFile(path: scratch + "/restored/ams.sqlite")
            }
        }
        #expect(published == published.sorted() && Set(published).count == published.count)

        // act: the restore into the empty installation
        try BackupRestorer(configuration: target).restore(from: backup) { _ in }

        // a restored installation starts later, on a clock that has moved on
        clock.advance(by: 5)
        try await TestApp.with(db, tweak: { $0.database = target.database; $0.attachmentDirectory = target.attachmentDirectory },
                               clock: clock, secrets: secrets, keyEncryptionKey: kek) { t in
            // check: the audit chain verifies, as far as the backup reached
            let report = try await t.services.auditVerifier.verify(on: t.db)
            #expect(report.isIntact && report.checkedEntries == Int64(entriesAtBackup), "\(report)")
            // OCSP answers for the old serials, as openssl reads them
            let loaded = try await t.services.caKeys.current(on: t.db)
            let client = try OCSPClient(port: try await t.startLiveServer(), loaded: loaded)
            for (der, revoked) in certificates {
                let answer = try await client.ask(certificate: der)
                #expect(answer.stdout.contains(revoked ? "leaf.pem: revoked" : "leaf.pem: good") && answer.combined.contains("Response verify OK"),
                        "\(answer.combined)")
            }
            // the next CRL's number is above every number published, before the backup and after it
            let next = try await CRLPublisher(services: t.services).publish(on: t.db)[0].number
            #expect(next > published.max()!, "\(next) after \(published)")
            // the documents are those stored
            for (key, bytes) in documents { #expect(try await t.services.attachments.read(key) == bytes) }
            // a second restore over this data is refused
            #expect(throws: BackupError.self) { try BackupRestorer(configuration: target).restore(from: backup) { _ in } }
            if case .postgres(_, let schema?) = target.database { try await t.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }

    @Test func aDamagedBackupIsRefusedNamingTheFile() async throws {
        let scratch = NSTemporaryDirectory() + "ams-backup-damaged-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await TestApp.with(.sqlite) { t in
            let agency = try await t.agency()
            _ = try await t.submittedRequest(agency: agency)
            let manifest = try await BackupCreator(configuration: t.services.configuration, database: t.db, now: t.clock.now)
                .create(in: scratch + "/backup")
            // a backup goes only into a new or empty folder
            await #expect(throws: BackupError.self) {
                try await BackupCreator(configuration: t.services.configuration, database: t.db, now: t.clock.now).create(in: scratch + "/backup")
            }
            // one byte of one document changed
            let document = try #require(manifest.files.keys.first { $0.hasPrefix("attachments/") })
            var bytes = try #require(FileManager.default.contents(atPath: scratch + "/backup/" + document))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: scratch + "/backup/" + document))
            let target = AppConfiguration(database: .sqliteFile(path: scratch + "/restored/ams.sqlite"),
                                          attachmentDirectory: scratch + "/restored/attachments")
            do {
                try BackupRestorer(configuration: target).restore(from: scratch + "/backup") { _ in }
                Issue.record("a damaged backup was restored")
            } catch let error as BackupError {
                #expect(error.description.contains(document) && error.description.contains("checksum"))
            }
            #expect(!FileManager.default.fileExists(atPath: scratch + "/restored/ams.sqlite"), "nothing restored")
        }
    }
}
