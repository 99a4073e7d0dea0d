@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import VaporTesting

/// The signing service underneath the web page: several documents in one go (one code, one key opening), a ZIP the
/// archive tools read, and no more key openings at once than the queue allows.
@Suite("Signing several documents; the ZIP; the key-opening queue")
struct SigningServiceTests {
    @Test(arguments: TestDatabase.all)
    func severalDocumentsSignWithOneCodeAndComeAsAZIPThatUnzipReads(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let service = SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
            let names = ["reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf"]
            let documents = try names.map { SigningService.Document(name: $0, bytes: try SigningFixtures.document($0)) }
            try await service.mailCode(to: holder, documents: documents.count, context: .system())
            let code = try await SigningWebTests.code(t, for: holder)
            // act
            let signed = try await service.sign(documents, holder: holder, passphrase: TestApp.passphrase, code: code, context: .system())
            // check: three records, each document kept whole at the front of its signed version; the ZIP unpacks
            #expect(signed.count == 3 && zip(signed, documents).allSatisfy { pair in Array(pair.0.bytes.prefix(pair.1.bytes.count)) == pair.1.bytes })
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 3)
            let folder = try ScratchFolder("ams-zip")
            defer { folder.remove() }
            let archive = try folder.write("signed.zip", ZipArchive.stored(signed.map { ($0.name, $0.bytes) }))
            let listing = try ExternalTool.run(["python3", "-c", """
                import sys, zipfile
                z = zipfile.ZipFile(sys.argv[1])
                assert z.testzip() is None
                print("\\n".join("%s %d" % (i.filename, i.file_size) for i in z.infolist()))
                """, archive])
            #expect(listing.status == 0, "\(listing.stderr)")
            #expect(listing.stdout == signed.map { "\($0.name) \($0.bytes.count)" }.joined(separator: "\n") + "\n")
            // a code asked for three documents does not sign two
            try await service.mailCode(to: holder, documents: 3, context: .system())
            let threeCode = try await SigningWebTests.code(t, for: holder)
            await #expect(throws: DomainError.self) {
                _ = try await service.sign(Array(documents.prefix(2)), holder: holder, passphrase: TestApp.passphrase, code: threeCode,
                                           context: .system())
            }
        }
    }

    @Test func theQueueRunsNoMoreThanItsPermitsAtOnce() async throws {
        let queue = KeyOpeningQueue(permits: 2)
        defer { queue.shutdown() }
        let peak = NIOLockedValueBox((current: 0, highest: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await queue.run {
                        peak.withLockedValue { $0.current += 1; $0.highest = max($0.highest, $0.current) }
                        usleep(20_000)
                        peak.withLockedValue { $0.current -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let highest = peak.withLockedValue { $0.highest }, left = await queue.inFlight
        #expect(highest == 2 && left == 0)
    }
}
