@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Revocation shows in the CRL and over OCSP at once; openssl is the client, pkilint the linter")
struct CertificateRevocationTests {
    /// OCSP clients check thisUpdate against the real clock, so these tests run the AMS clock at real time.
    static func realClock() -> TestClock { TestClock(Date().addingTimeInterval(-60)) }

    @Test(arguments: TestDatabase.all)
    func revokedByTheHolderThenSeenByOpenSSL(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: Self.realClock()) { t in
            // setup: the CA, a holder with an issued certificate, the responder on a real port
            let (loaded, _, holder, _, record) = try await t.issuedWorld()
            let der = Array(try #require(record.certificateDER))
            let port = try await t.startLiveServer()
            let client = try OCSPClient(port: port, loaded: loaded)
            defer { client.folder.remove() }
            // good, with the nonce echoed and the signature verified
            let good = try await client.ask(certificate: der)
            #expect(good.stdout.contains("leaf.pem: good") && good.combined.contains("Response verify OK"), "\(good.combined)")
            let nonces = OCSPClient.nonces(in: good.stdout)
            #expect(nonces.count == 2 && nonces[0] == nonces[1] && !nonces[0].isEmpty, "\(nonces)")
            #expect(try await client.ask(certificate: der, nonce: false).stdout.contains("leaf.pem: good"))
            // on SQLite the status is kept now (the second answer came from memory); on PostgreSQL nothing is kept
            let serial = try #require(record.serialHex)
            #expect((t.services.ocspStatuses.statuses(of: [serial]) == [serial: .good]) == (db == .sqlite))
            // unknown for a serial never issued
            let unknown = try await client.ask(serial: "0123456789ABCDEF0123456789ABCDEF")
            #expect(unknown.stdout.contains(": unknown") && unknown.combined.contains("Response verify OK"), "\(unknown.combined)")
            // the holder revokes: a wrong password changes nothing; the right one revokes
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let page = "/certificates/\(record.id!.uuidString)"
            let refused = try await browser.post(page + "/revoke", form: ["reason": "keyCompromise", "password": "not my password"], from: page)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Kata sandi salah"))
            #expect(try await t.record(record.id).status == .issued)
            let numberBefore = try #require(try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first()).number
            let yesterday = t.clock.now.addingTimeInterval(-86_400)
            let day = ISO8601DateFormatter.string(from: yesterday, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let revoked = try await browser.post(page + "/revoke", form: ["reason": "keyCompromise", "password": TestApp.password,
                                                                           "invalidityDate": day], from: page)
            #expect(revoked.status == .seeOther)
            #expect(t.services.ocspStatuses.statuses(of: [serial]) == nil)
            let stored = try await t.record(record.id)
            #expect(stored.status == .revoked && stored.revocationReason == 1 && stored.invalidityDate != nil)
            #expect(try await t.mails(to: holder.email).contains { $0.template == "certificate_revoked" })
            // OCSP: revoked, with the reason
            let answer = try await client.ask(certificate: der)
            #expect(answer.stdout.contains("leaf.pem: revoked") && answer.stdout.contains("keyCompromise"), "\(answer.combined)")
            // CRL: served with its type and cache headers, verified by openssl, listing the serial, a higher number
            let crl = try await t.browser().get("/pki/crl/issuing.crl")
            #expect(crl.status == .ok && crl.headers.contentType?.description == "application/pkix-crl")
            #expect(crl.headers.first(name: .cacheControl)?.contains("max-age=") == true && crl.headers.first(name: .expires) != nil)
            #expect(crl.headers.setCookie == nil)
            let crlDER = Array(crl.body.readableBytesView)
            let checked = try PKIOracle.verifyCRL(der: crlDER, issuerPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"))
            #expect(checked.ok && checked.text.uppercased().contains(record.serialHex!.uppercased()) && checked.text.contains("Key Compromise"),
                    "\(checked.text)")
            let numberAfter = try #require(try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first()).number
            #expect(numberAfter > numberBefore)
            let chain = try PKIOracle.verify(leafPEM: PEM.encode(der, label: "CERTIFICATE"), rootPEM: PEM.encode(loaded.root.der, label: "CERTIFICATE"),
                                             intermediatesPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"),
                                             crlsPEM: [PEM.encode(crlDER, label: "X509 CRL")], crlCheck: true)
            #expect(!chain.ok && chain.output.contains("revoked"), "\(chain.output)")
            #expect(try PKIOracle.pkilintErrors("lint_crl", der: crlDER, extraArguments: ["-t", "CRL", "-p", "PKIX"]) == [])
            // the root's CRL and the CA certificates are served too
            let rootCRL = try await t.browser().get("/pki/crl/root.crl")
            #expect(try PKIOracle.verifyCRL(der: Array(rootCRL.body.readableBytesView), issuerPEM: PEM.encode(loaded.root.der, label: "CERTIFICATE")).ok)
            #expect(Array(try await t.browser().get("/pki/ca/issuing.crt").body.readableBytesView) == loaded.issuing.der)
            #expect(try await t.browser().get("/pki/crl/nothing.crl").status == .notFound)
            // a revoked certificate cannot be revoked twice
            let twice = try await browser.post(page + "/revoke", form: ["reason": "keyCompromise", "password": TestApp.password], from: page)
            #expect(twice.status == .forbidden || twice.status == .conflict)
            await t.stopLiveServer()
        }
    }

    @Test(arguments: TestDatabase.all)
    func ocspOverGETAndMalformedRequestsAndPkilint(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: Self.realClock()) { t in
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let client = try OCSPClient(port: 1, loaded: loaded)
            defer { client.folder.remove() }
            // GET (RFC 6960 A.1): base64 then URL-encoded
            let request = try client.request(certificate: Array(record.certificateDER!), nonce: false)
            let encoded = OCSPClient.getPathPart(request)
            let viaGet = try await t.browser().get("/pki/ocsp/" + encoded)
            #expect(viaGet.headers.contentType?.description == "application/ocsp-response")
            let response = Array(viaGet.body.readableBytesView)
            let respPath = try client.folder.write("response.der", response)
            let read = try ExternalTool.run(["openssl", "ocsp", "-respin", respPath, "-issuer", client.issuingPath,
                                             "-cert", client.folder.path("leaf.pem"), "-CAfile", client.rootPath, "-verify_other", client.issuingPath])
            #expect(read.stdout.contains(": good") && read.combined.contains("Response verify OK"), "\(read.combined)")
            #expect(try PKIOracle.pkilintErrors("lint_ocsp_response", der: response) == [])
            // the same question again is answered from the cache, byte for byte, while the status holds
            #expect(Array(try await t.browser().get("/pki/ocsp/" + encoded).body.readableBytesView) == response)
            // malformed requests: a clean malformedRequest, never a crash
            let malformed: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x01]
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "ocsp-request")
            for junk in [[UInt8](), Array("GET / HTTP/1.1".utf8), [0x30, 0x82, 0xFF, 0xFF], Array(request.dropLast(3))] {
                let answer = try await t.browser().send(.POST, "/pki/ocsp", headers: headers, body: ByteBuffer(bytes: junk))
                #expect(answer.status == .ok && Array(answer.body.readableBytesView) == malformed)
            }
            #expect(Array(try await t.browser().get("/pki/ocsp/%%%not-base64").body.readableBytesView) == malformed)
            let live = t.browser()
            live.live = true
            let tooBig = try await live.send(.POST, "/pki/ocsp", headers: headers, body: ByteBuffer(bytes: [UInt8](repeating: 0x30, count: 9000)))
            #expect(tooBig.status == .payloadTooLarge)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCrashBetweenIntentAndStorageLeavesTheSerialRevoked(db: TestDatabase) async throws {
        struct Crash: Error {}
        try await TestApp.with(db, faults: FaultInjection(afterIssuingIntent: { throw Crash() })) { t in
            let loaded = try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let caOperator = try await t.user("op.ca", role: .caOperator)
            let service = t.certificateService()
            let record = try await service.request(holder: holder, source: .passphrase(TestApp.passphrase, confirmation: TestApp.passphrase),
                                                   context: .system("test"))
            await #expect(throws: Crash.self) {
                try await service.approve(record, expectedVersion: record.version, by: caOperator, context: .system("test"))
            }
            // the intent survived: serial, subject, holder, and its audit entry
            let intent = try await t.record(record.id)
            let serial = try #require(intent.serialHex)
            #expect(intent.status == .issuing && intent.certificateDER == nil)
            #expect(try await t.auditActions().contains("certificate.issuing"))
            // a fresh intent is left alone; one older than the limit becomes void and is listed as revoked
            #expect(try await service.voidStaleIntents() == 0)
            t.clock.advance(by: t.services.configuration.certificates.staleIssuingAfter + 1)
            let report = try await service.maintain()
            #expect(report.voided == 1 && report.crlPublished)
            #expect(try await t.record(record.id).status == .void)
            let crl = try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first()!
            let text = try PKIOracle.verifyCRL(der: Array(crl.der), issuerPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"))
            #expect(text.ok && text.text.uppercased().contains(serial.uppercased()))
            let statuses = try await OCSPResponder(services: t.services).lookUp([[UInt8](hex: serial)!], issuerID: loaded.issuingID, on: t.db)
            if case .revoked = statuses[serial] {} else { Issue.record("a void serial must answer revoked, got \(String(describing: statuses[serial]))") }
            // the holder can ask again: the void record is not an open request
            #expect(try await CertificateModel.query(on: t.db).filter(\.$holder.$id == holder.id!).filter(\.$status ~~ [.pending, .issuing]).count() == 0)
        }
    }

    /// Issue 21: every instance's maintenance pass refreshes CRLs that are due; of passes due at the same moment, one
    /// publishes each CA's CRL (decided under the CRL row's lock), not each pass.
    @Test(arguments: TestDatabase.all)
    func passesOfTwoInstancesAtOnceRefreshEachCRLOnce(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.certificateAuthority()
            func published() async throws -> Int {
                try await AuditEntryModel.query(on: t.db).filter(\.$action == AuditAction.crlGenerated.rawValue).count()
            }
            let before = try await published()
            // nothing due yet: no pass publishes
            #expect(try await CRLPublisher(services: t.services).refreshIfDue(on: t.db) == false)
            // past half the lifetime: two passes at once, one CRL per CA
            t.clock.advance(by: t.services.configuration.certificates.crlLifetime / 2 + 1)
            async let one = CRLPublisher(services: t.services).refreshIfDue(on: t.db)
            async let other = CRLPublisher(services: t.services).refreshIfDue(on: t.db)
            let answers = try await [one, other]
            #expect(answers.contains(true))
            #expect(try await published() == before + 2)
        }
    }
}
