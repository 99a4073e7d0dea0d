@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// Long-term validation as AMS serves it: B-LT and B-LTA on request (pyHanko validates them offline with AMS's root
/// as the only trust anchor), a B-LT signature that outlives its certificate's revocation, and the maintenance call
/// that re-time-stamps documents a caller hands back.
@Suite("Long-term validation: B-LT and B-LTA from AMS, and renewal")
struct LongTermSigningTests {
    @Test(arguments: TestDatabase.all)
    func bLTAndBLTADocumentsValidateOfflineAndOutliveARevocation(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, holder, _, record) = try await t.issuedWorld()
            let original = try SigningFixtures.document("reportlab-12-pages.pdf")
            // act: one call, three levels
            let signed = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool).sign(
                [.init(name: "t.pdf", bytes: original), .init(name: "lt.pdf", bytes: original, level: .bLT),
                 .init(name: "lta.pdf", bytes: original, level: .bLTA)],
                holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())
            // check: AMS reads each level; the records say it
            let service = VerificationService(services: t.services, database: t.db)
            var levels: [[SignatureVerification.Level?]] = []
            for document in signed { levels.append(try await service.verify(document.bytes).signatures.map(\.level)) }
            #expect(levels == [[.bT], [.bLT], [.bLTA, nil]])
            let records = try await SignatureRecordModel.query(on: t.db).all()
            #expect(Set(records.compactMap(\.level)) == ["B-T", "B-LT", "B-LTA"])
            // pyHanko, offline, AMS's root only
            let folder = try ScratchFolder("ams-ltv-server")
            defer { folder.remove() }
            let roots = [try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))]
            let bt = try SigningFixtures.pyHankoLongTerm(signed[0].bytes, rootPaths: roots)
            #expect(bt.stdout.contains("level=none"), "\(bt.combined)")
            let lt = try SigningFixtures.pyHankoLongTerm(signed[1].bytes, rootPaths: roots)
            #expect(lt.stdout.contains("dss certs=5 ocsps=1 crls=1") && lt.stdout.contains("type=signature lta=INDETERMINATE level=B-LT"),
                    "\(lt.combined)")
            let lta = try SigningFixtures.pyHankoLongTerm(signed[2].bytes, rootPaths: roots)
            #expect(lta.stdout.contains("type=signature lta=PASSED level=B-LTA") && lta.stdout.contains("type=timestamp intact=True valid=True trusted=True"),
                    "\(lta.combined)")
            // the certificate revoked after signing: the B-LT signature still passes, on the data it carries
            try await t.certificateService().revoke(record, reason: .keyCompromise, invalidityDate: nil, actor: holder.actor,
                                                    revokerUserID: holder.id, context: .system())
            let afterRevocation = try #require(try await service.verify(signed[1].bytes).signatures.first)
            #expect(afterRevocation.indication == .totalPassed && afterRevocation.revocationSource == .ocsp, "\(afterRevocation.notes)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCallerRenewsKeptDocumentsAndBrokenOnesAreRefusedByName(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, agency, holder, _, _) = try await t.issuedWorld()
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let key = try await t.apiKey(agency: agency, admin: admin)
            let signed = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool).sign(
                [.init(name: "lta.pdf", bytes: try SigningFixtures.document("qpdf-object-streams.pdf"), level: .bLTA)],
                holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())[0].bytes
            // act
            let answer = try await t.callAPI(.POST, "/api/v1/ltv/renew", key: key, json: #"{"file": ["\#(Data(signed).base64EncodedString())"]}"#)
            // check: the document grew by a DSS update and a second document time-stamp; pyHanko validates it offline
            #expect(answer.status == .ok, "\(answer.body.string.prefix(300))")
            struct Result: Decodable {
                struct Document: Decodable { let file: String; let previousTimestampCertificateExpiry: Date? }
                let documents: [Document]
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let result = try decoder.decode(Result.self, from: Data(answer.body.readableBytesView))
            let first = try #require(result.documents.first)
            let renewed = Array(try #require(Data(base64Encoded: first.file)))
            #expect(Array(renewed.prefix(signed.count)) == signed && result.documents[0].previousTimestampCertificateExpiry != nil)
            let report = try await VerificationService(services: t.services, database: t.db).verify(renewed)
            #expect(report.signatures.map(\.kind) == [.signature, .documentTimestamp, .documentTimestamp] && report.conclusion == .valid)
            let folder = try ScratchFolder("ams-ltv-renew")
            defer { folder.remove() }
            let pyHanko = try SigningFixtures.pyHankoLongTerm(renewed, rootPaths: [try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))])
            #expect(pyHanko.stdout.contains("lta=PASSED level=B-LTA") && pyHanko.stdout.components(separatedBy: "type=timestamp intact=True valid=True trusted=True").count == 3,
                    "\(pyHanko.combined)")
            #expect(try await AuditEntryModel.query(on: t.db).filter(\.$action == AuditAction.documentTimestampRenewed.rawValue).count() == 1)
            // an unsigned document and a changed one are refused, naming which
            let unsigned = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            var changed = signed
            changed[300] ^= 0x01
            for (bytes, words) in [(unsigned, "has no signature"), (changed, "is not valid")] {
                let refused = try await t.callAPI(.POST, "/api/v1/ltv/renew", key: key,
                                                  json: #"{"file": ["\#(Data(signed).base64EncodedString())", "\#(Data(bytes).base64EncodedString())"]}"#)
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains("ocument 2") && refused.body.string.contains(words),
                        "\(refused.body.string.prefix(300))")
            }
            #expect(try await t.callAPI(.POST, "/api/v1/ltv/renew", key: nil, json: #"{"file": []}"#).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theSignPageOffersTheLevelAndTheVerificationPageShowsIt(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let page = try await browser.get("/sign").body.string
            #expect(page.contains("name=\"level\"") && page.contains("value=\"B-LTA\"") && page.contains("PAdES B-LT"))
            // act
            let signed = try await browser.postMultipart("/sign", fields: ["passphrase": TestApp.passphrase, "code": "", "level": "B-LTA"],
                                                         files: ["documents[]": ("surat.pdf", try SigningFixtures.document("incremental-update.pdf"))],
                                                         from: "/sign")
            // check: B-LTA, recorded so; the public page names the level and the document time-stamp
            #expect(signed.status == .ok, "\(signed.body.string.prefix(300))")
            #expect(try await SignatureRecordModel.query(on: t.db).first()?.level == "B-LTA")
            let verified = try await t.browser().postMultipart("/verifikasi", fields: [:], files: ["document": ("surat-ttd.pdf", Array(signed.body.readableBytesView))],
                                                               from: "/verifikasi").body.string
            #expect(verified.contains("data-conclusion=\"VALID\"") && verified.contains("PAdES B-LTA (data validasi dan cap waktu dokumen)"))
            #expect(verified.contains("data-kind=\"DOCUMENT_TIMESTAMP\"") && verified.contains("menurut jawaban OCSP yang tersimpan dalam dokumen"))
        }
    }
}
