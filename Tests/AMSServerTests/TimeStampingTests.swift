@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// AMS's time-stamping authority over HTTP (`POST /pki/tsa`, RFC 3161 §3.4), for anyone: replies `openssl ts -verify`
/// accepts against AMS's root; an installation from before the TSA gets its unit at the next maintenance pass.
@Suite("The time-stamping authority at /pki/tsa")
struct TimeStampingTests {
    @Test(arguments: TestDatabase.all)
    func anyoneGetsATimeStampOpenSSLVerifies(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            // setup
            let loaded = try await t.certificateAuthority()
            let unit = try #require(loaded.tsa?.unit)
            let folder = try ScratchFolder("ams-tsa-http")
            defer { folder.remove() }
            let data = try folder.write("surat.pdf", Array("%PDF-1.7 surat keputusan\n".utf8))
            _ = try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))
            _ = try folder.write("chain.pem", PEM.encode(loaded.issuing.der, label: "CERTIFICATE") + PEM.encode(unit.der, label: "CERTIFICATE"))
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "timestamp-query")
            for options in [["-cert"], ["-no_nonce"]] {
                let query = try ExternalTool.run(["openssl", "ts", "-query", "-data", data, "-sha256", "-out", folder.path("q.tsq")] + options)
                #expect(query.status == 0)
                // act: anonymous, no session, no CSRF token
                let answer = try await t.browser().send(.POST, "/pki/tsa", headers: headers,
                                                        body: ByteBuffer(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: folder.path("q.tsq"))))))
                // check
                #expect(answer.status == .ok && answer.headers.contentType?.description == "application/timestamp-reply")
                #expect(answer.headers.setCookie == nil)
                let reply = try folder.write("r.tsr", Array(answer.body.readableBytesView))
                let verify = try ExternalTool.run(["openssl", "ts", "-verify", "-queryfile", folder.path("q.tsq"), "-in", reply,
                                                   "-CAfile", folder.path("root.pem"), "-untrusted", folder.path("chain.pem")])
                #expect(verify.stdout.contains("Verification: OK"), "\(options): \(verify.combined)")
            }
            // junk is a rejection in the reply, not an error page
            let junk = try await t.browser().send(.POST, "/pki/tsa", headers: headers, body: ByteBuffer(bytes: Array("junk".utf8)))
            let text = try ExternalTool.run(["openssl", "ts", "-reply", "-in", try folder.write("j.tsr", Array(junk.body.readableBytesView)), "-text"])
            #expect(junk.status == .ok && text.stdout.contains("Status: Rejected."))
        }
    }

    @Test(arguments: TestDatabase.all)
    func anInstallationWithoutATSAGetsOneAtTheNextMaintenance(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            _ = try await t.certificateAuthority()
            // setup: as before the TSA existed
            try await CertificateAuthorityModel.query(on: t.db).filter(\.$role == .timeStamping).delete()
            await t.services.caKeys.forget()
            #expect(try await t.services.caKeys.current(on: t.db).tsa == nil)
            // act
            let report = try await CertificateService(services: t.services, database: t.db, threadPool: t.app.threadPool).maintain()
            // check: a unit under the issuing CA, audited; the next pass leaves it alone
            #expect(report.timeStampingRenewed)
            let unit = try #require(try await t.services.caKeys.current(on: t.db).tsa?.unit)
            #expect(unit.certificate.issuer == (try await t.services.caKeys.current(on: t.db)).issuing.certificate.subject)
            #expect(try await t.auditActions().contains("ca.tsa_certified"))
            #expect(try await CertificateService(services: t.services, database: t.db, threadPool: t.app.threadPool).maintain().timeStampingRenewed == false)
        }
    }
}
