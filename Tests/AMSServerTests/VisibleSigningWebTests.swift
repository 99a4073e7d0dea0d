@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// Visible signatures from the web form: the QR code links to the signature's own record page, the specimen image
/// is drawn, a placement that cannot be honoured is refused before the key is opened, and the page says why.
@Suite("Signing visibly on the web")
struct VisibleSigningWebTests {
    @Test(arguments: TestDatabase.all)
    func aVisibleSignatureCarriesAQRCodeOfItsRecordPage(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let document = try SigningFixtures.document("marker-on-last-page.pdf")
            _ = try await browser.post("/sign/code", form: ["documentCount": "1"], from: "/sign")
            let code = try await SigningWebTests.code(t, for: holder)
            // act: at the marker, with the QR code and a specimen image
            let signed = try await browser.postMultipart("/sign", fields: [
                "passphrase": TestApp.passphrase, "code": code, "appearance": "visible", "position": "marker", "marker": "#ttd_kepala#", "qr": "on",
                "downloadToken": "k7q2x9",
            ], files: ["documents[]": ("surat.pdf", document), "specimen": ("ttd.png", try SigningFixtures.specimen("specimen-alpha.png"))], from: "/sign")
            // check: valid, the widget drawn on page 2; zbar reads the link to the record AMS kept
            #expect(signed.status == .ok, "\(signed.body.string.prefix(300))")
            // the page's script learns the download came from a cookie carrying its token (readable by scripts, only for /sign)
            let cookie = signed.headers[.setCookie].first { $0.hasPrefix("ams_download=") }
            #expect(cookie?.hasPrefix("ams_download=k7q2x9") == true && cookie?.contains("HttpOnly") == false && cookie?.contains("Path=/sign") == true,
                    "\(signed.headers[.setCookie])")
            let bytes = Array(signed.body.readableBytesView)
            let folder = try ScratchFolder("ams-visible-web")
            defer { folder.remove() }
            let verdict = try SigningFixtures.pyHankoVerdict(bytes, rootPaths: [try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))])
            #expect(verdict.stdout.contains("intact=True valid=True trusted=True") && verdict.stdout.contains("page=2")
                    && verdict.stdout.contains("appearance=yes"), "\(verdict.combined)")
            let record = try #require(try await SignatureRecordModel.query(on: t.db).first())
            #expect(record.visible)
            #expect(try SigningFixtures.qrCodes(in: bytes, page: 2) == ["https://ams.test.go.id/v/" + record.id!.uuidString.lowercased()])
            // the record page, public: who signed and the signed file's SHA-256; an unknown id is 404
            let recordPage = try await t.browser().get("/v/" + record.id!.uuidString.lowercased())
            #expect(recordPage.status == .ok && recordPage.body.string.contains(holder.fullName) && recordPage.body.string.contains(TokenDigest.sha256Hex(bytes)))
            #expect(try await t.browser().get("/v/" + UUID().uuidString.lowercased()).status == .notFound)
            // a reader checks the copy in hand: the same file, the file with a later signature appended, another file
            let reader = t.browser()
            let path = "/v/" + record.id!.uuidString.lowercased()
            _ = try await reader.get(path)
            // (an incremental update appended after the signed bytes stands for a later signature)
            let later = bytes + Array("\n1 0 obj\n<< >>\nendobj\n".utf8)
            for (copy, expected) in [(bytes, "sama persis"), (later, "ditambah perubahan sesudahnya"), (document, "bukan dokumen yang ditandatangani"),
                                     (Array("bukan pdf".utf8), "bukan PDF")] {
                let answer = try await reader.postMultipart(path, fields: [:], files: ["document": ("salinan.pdf", copy)], from: path)
                #expect(answer.body.string.contains(expected), "\(expected): \(answer.body.string.prefix(200))")
            }
            let audit = try await AuditEntryModel.query(on: t.db).filter(\.$action == "signature.created").first()
            #expect(audit?.details.contains("\"visible\":\"true\"") == true, "\(audit?.details ?? "")")
        }
    }

    @Test(arguments: TestDatabase.all)
    func placementsAndImagesThatCannotBeUsedAreRefusedBeforeTheKeyOpens(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let document = try SigningFixtures.document("marker-on-last-page.pdf")
            func attempt(_ fields: [String: String], specimen: [UInt8]? = nil) async throws -> (HTTPStatus, String) {
                var files: [String: (String, [UInt8])] = ["documents[]": ("surat.pdf", document)]
                if let specimen { files["specimen"] = ("ttd.png", specimen) }
                let response = try await browser.postMultipart("/sign", fields: fields.merging(["passphrase": "salah", "code": "000000", "appearance": "visible"]) { $1 },
                                                               files: files, from: "/sign")
                return (response.status, response.body.string)
            }
            let marker = try await attempt(["position": "marker", "marker": "#ttd_sekretaris#"])
            #expect(marker.0 == .unprocessableEntity && marker.1.contains("Teks penanda &quot;#ttd_sekretaris#&quot; tidak ditemukan di surat.pdf"), "\(marker.1)")
            let page = try await attempt(["position": "bottom-right", "page": "7"])
            #expect(page.0 == .unprocessableEntity && page.1.contains("surat.pdf tidak memiliki halaman 7; jumlah halamannya 2."))
            let box = try await attempt(["position": "custom", "page": "1", "x": "500", "y": "10", "width": "300", "height": "80"])
            #expect(box.0 == .unprocessableEntity && box.1.contains("berada di luar halaman"))
            let number = try await attempt(["position": "custom", "x": "kiri", "y": "10", "width": "300", "height": "80"])
            #expect(number.0 == .unprocessableEntity && number.1.contains("Isi dengan angka"))
            let image = try await attempt(["position": "bottom-right"], specimen: Array("GIF89a not a png".utf8))
            #expect(image.0 == .unprocessableEntity && image.1.contains("Gambar spesimen harus PNG"))
            // none of these counted as a wrong passphrase or code, and nothing was signed
            #expect(try await UserModel.find(holder.id, on: t.db)?.signingFailures ?? 0 == 0)
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aDocumentOverTheConfiguredLimitIsRefusedNamingTheLimit(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.maximumDocumentBytes = 1024 * 1024 }) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // a PDF just over the 1 MB the configuration allows (padding after its end)
            let padded = try SigningFixtures.document("fpdf2-classic-xref.pdf") + [UInt8](repeating: 0x0A, count: 1024 * 1024)
            let refused = try await browser.postMultipart("/sign", fields: ["passphrase": TestApp.passphrase, "code": "123456"],
                                                          files: ["documents[]": ("besar.pdf", padded)], from: "/sign")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("besar.pdf") && refused.body.string.contains("1 MB"),
                    "\(refused.body.string.prefix(300))")
            #expect(try await UserModel.find(holder.id, on: t.db)?.signingFailures ?? 0 == 0)
            #expect(try await browser.get("/sign").body.string.contains("paling besar 1 MB"))
        }
    }
}
