@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// "Tanda tangani dokumen": a holder signs a PDF in the browser with the key AMS keeps, after a code mailed on
/// request and the passphrase; pyHanko validates the download. Wrong codes and passphrases count; the fifth locks.
@Suite("Signing documents on the web")
struct SigningWebTests {
    static func code(_ t: TestApp, for holder: UserModel) async throws -> String {
        let mail = try #require(try await t.mails(to: holder.email).first { $0.template == "signing_code" })
        let range = try #require(mail.body.range(of: #"\b[0-9]{6}\b"#, options: .regularExpression))
        return String(mail.body[range])
    }

    @Test(arguments: TestDatabase.all)
    func aHolderSignsADocumentAndPyHankoValidatesIt(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            // setup: a holder with a certificate whose key AMS keeps under the passphrase
            let (loaded, _, holder, _, record) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let document = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            #expect(try await browser.get("/sign").body.string.contains("name=\"documents[]\""))
            // act: a code for one document, then the document with the passphrase and the code
            #expect(try await browser.post("/sign/code", form: ["documentCount": "1"], from: "/sign").location == "/sign?notice=signing_code_sent")
            let code = try await Self.code(t, for: holder)
            let signed = try await browser.postMultipart("/sign", fields: ["passphrase": TestApp.passphrase, "code": code,
                                                                           "reason": "Menyetujui", "location": "Padang"],
                                                         files: ["documents[]": ("surat keputusan.pdf", document)], from: "/sign")
            // check: a signed PDF, recorded and audited; pyHanko: intact, valid, trusted, time-stamped
            #expect(signed.status == .ok && signed.headers.contentType?.description == "application/pdf")
            #expect(signed.headers.first(name: .contentDisposition)?.contains("surat%20keputusan-ttd.pdf") == true)
            let bytes = Array(signed.body.readableBytesView)
            #expect(Array(bytes.prefix(document.count)) == document)
            let folder = try ScratchFolder("ams-web-sign")
            defer { folder.remove() }
            let result = try SigningFixtures.pyHankoVerdict(bytes, rootPaths: [try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))])
            #expect(result.stdout.contains("intact=True valid=True trusted=True coverage=ENTIRE_FILE timestamp=trusted"), "\(result.combined)")
            let records = try await SignatureRecordModel.query(on: t.db).all()
            #expect(records.count == 1 && records[0].serialHex == record.serialHex && records[0].via == "web")
            #expect(records[0].documentSHA256 == TokenDigest.sha256Hex(document) && records[0].signedSHA256 == TokenDigest.sha256Hex(bytes))
            #expect(try await t.auditActions().contains("signature.created"))
            // the code was single use
            let again = try await browser.postMultipart("/sign", fields: ["passphrase": TestApp.passphrase, "code": code],
                                                        files: ["documents[]": ("lagi.pdf", document)], from: "/sign")
            #expect(again.status == .unprocessableEntity && again.body.string.contains("Frasa sandi atau kode salah"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func fiveWrongTriesLockSigningAndTellTheHolder(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let document = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            // a bad document is refused before anything is counted
            let notPDF = try await browser.postMultipart("/sign", fields: ["passphrase": "x", "code": "123456"],
                                                         files: ["documents[]": ("bukan.pdf", Array("plain text".utf8))], from: "/sign")
            #expect(notPDF.status == .unprocessableEntity && notPDF.body.string.contains("bukan.pdf bukan berkas PDF"))
            // act: a valid code with a wrong passphrase, then four wrong codes
            _ = try await browser.post("/sign/code", form: ["documentCount": "1"], from: "/sign")
            let code = try await Self.code(t, for: holder)
            var statuses: [HTTPStatus] = []
            for attempt in 0..<5 {
                statuses.append(try await browser.postMultipart("/sign", fields: ["passphrase": attempt == 0 ? "bukan frasa sandinya" : TestApp.passphrase,
                                                                                  "code": attempt == 0 ? code : "000000"],
                                                                files: ["documents[]": ("surat.pdf", document)], from: "/sign").status)
            }
            // check: five refusals, then the lock: the page says so, the holder is mailed, the audit has it all
            #expect(statuses == Array(repeating: .unprocessableEntity, count: 5))
            let page = try await browser.get("/sign").body.string
            #expect(page.contains("Penandatanganan dikunci sementara") && !page.contains("name=\"documents[]\""))
            #expect(try await t.mails(to: holder.email).contains { $0.template == "signing_locked" })
            let actions = try await t.auditActions()
            #expect(actions.filter { $0 == "signature.failed" }.count == 5 && actions.contains("signature.locked"))
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 0)
            // nothing of the passphrase or the code in the audit log
            let details = try await AuditEntryModel.query(on: t.db).all().map(\.details).joined()
            #expect(!details.contains("bukan frasa sandinya") && !details.contains(code))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aHolderWithoutACertificateIsToldWhy(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let page = try await browser.get("/sign").body.string
            #expect(page.contains("Anda belum memiliki sertifikat") && !page.contains("name=\"documents[]\""))
        }
    }
}
