@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// The national e-signature API as agency applications call it: v1 (multipart, fields in any order, the signed PDF
/// with `id_dokumen`, one download) and v2 (JSON, a bulk of ten files each with its own properties under one mailed
/// code); pyHanko validates what comes back; refusals carry `{error, status_code}` with 2011 and 2031 where the
/// national service uses them.
@Suite("National e-signature API: signing")
struct ESignAPITests {
    static let nik = "1371014505900002"

    /// A holder with a certificate (NIK set), the agency's application, and the root for pyHanko.
    static func world(_ t: TestApp) async throws -> (holder: UserModel, client: ESignClient, root: String, folder: ScratchFolder) {
        let (loaded, agency, holder, _, _) = try await t.issuedWorld()
        holder.nik = nik
        try await holder.save(on: t.db)
        let folder = try ScratchFolder("ams-esign")
        let root = try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))
        return (holder, try await ESignClient.make(t, agency: agency), root, folder)
    }

    static func verdict(_ pdf: [UInt8], root: String) throws -> [String] {
        let output = try SigningFixtures.pyHankoVerdict(pdf, rootPaths: [root])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    @Test(arguments: TestDatabase.all)
    func v1SignsALetterVisiblyAtItsMarkerWithFieldsInAnyOrderAndGivesItOnceMore(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (_, client, root, folder) = try await Self.world(t)
            defer { folder.remove() }
            let letter = try SigningFixtures.document("marker-on-last-page.pdf")
            let link = "https://srikandi.sumbarprov.go.id/surat/800-2"
            // act: the fields in an order no form would use
            let parts: [(name: String, value: ESignClient.Part)] = [
                ("linkQR", .text(link)), ("tag_koordinat", .text("#ttd_kepala#")), ("passphrase", .text(TestApp.passphrase)),
                ("reason", .text("Menyetujui surat")), ("image", .text("false")), ("tampilan", .text("visible")),
                ("file", .file("surat.pdf", letter)), ("nik", .text(Self.nik)), ("location", .text("Padang")),
            ]
            let signed = try await client.multipart("/api/sign/pdf", parts.shuffled())
            // check: the PDF, valid; the QR code carries the application's link; the id gives it once more, once
            #expect(signed.status == .ok, "\(signed.body.string.prefix(300))")
            #expect(signed.headers.contentType?.description == "application/pdf")
            let bytes = Array(signed.body.readableBytesView)
            let lines = try Self.verdict(bytes, root: root)
            #expect(lines.count == 1 && lines[0].contains("intact=True valid=True trusted=True") && lines[0].contains("timestamp=trusted")
                    && lines[0].contains("page=2") && lines[0].hasSuffix("appearance=yes"), "\(lines)")
            #expect(try SigningFixtures.qrCodes(in: bytes, page: 2) == [link])
            let id = try #require(signed.headers.first(name: "id_dokumen"))
            let again = try await client.get("/api/sign/download/\(id)")
            #expect(again.status == .ok && Array(again.body.readableBytesView) == bytes)
            let third = try await client.get("/api/sign/download/\(id)")
            #expect(third.status == .notFound && third.esignError?.code == 4040)
            // recorded as the application's, and every call audited with its name
            let record = try #require(try await SignatureRecordModel.query(on: t.db).first())
            #expect(record.via == "api:SRIKANDI Sumbar" && record.visible)
            let calls = try await AuditEntryModel.query(on: t.db).filter(\.$action == "esign.call").all()
            #expect(calls.count == 3 && calls.allSatisfy { $0.details.contains("SRIKANDI Sumbar") })
        }
    }

    @Test(arguments: TestDatabase.all)
    func v1DrawsTheSpecimenImageWhenAskedAndRefusesAnImageThatIsNone(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (_, client, root, folder) = try await Self.world(t)
            defer { folder.remove() }
            let document = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            func sign(_ image: [UInt8]) async throws -> TestingHTTPResponse {
                try await client.multipart("/api/sign/pdf", [
                    ("file", .file("nota.pdf", document)), ("nik", .text(Self.nik)), ("passphrase", .text(TestApp.passphrase)),
                    ("tampilan", .text("visible")), ("image", .text("true")), ("imageTTD", .file("ttd.png", image, type: "image/png")),
                    ("page", .text("1")), ("xAxis", .text("350")), ("yAxis", .text("80")), ("width", .text("200")), ("height", .text("90")),
                ])
            }
            let drawn = try await sign(try SigningFixtures.specimen("specimen-alpha.png"))
            #expect(drawn.status == .ok)
            let lines = try Self.verdict(Array(drawn.body.readableBytesView), root: root)
            #expect(lines.first?.hasSuffix("page=1 rect=350,80,550,170 appearance=yes") == true, "\(lines)")
            // the integrators' complaint: a tiny image answered 500; here a clear 400 and nothing signed
            let tiny = try await sign([0x89, 0x50, 0x4E, 0x47])
            #expect(tiny.status == .badRequest && tiny.esignError?.code == 4000 && tiny.esignError?.message.contains("imageTTD") == true,
                    "\(tiny.body.string)")
            let huge = try await sign([UInt8](repeating: 0xFF, count: SpecimenImage.maximumBytes + 10))
            #expect(huge.status == .badRequest && huge.esignError?.message.contains("at most 1024 KB") == true, "\(huge.body.string)")
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func v2SignsABulkOfTenFilesEachWithItsOwnPropertiesUnderOneMailedCode(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (holder, client, root, folder) = try await Self.world(t)
            defer { folder.remove() }
            let names = ["fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf",
                         "marker-on-last-page.pdf", "form-fields-and-empty-signature-field.pdf", "signed-once-by-another-ca.pdf",
                         "fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "marker-on-last-page.pdf"]
            let files = try names.map { try SigningFixtures.document($0) }
            // the code, asked for ten files
            let asked = try await client.json(.POST, "/api/v2/sign/get/totp", ["email": holder.email, "data": 10])
            #expect(asked.status == .ok && asked.jsonObject?["expired"] != nil, "\(asked.body.string)")
            let code = try await SigningWebTests.code(t, for: holder)
            let properties: [[String: Any]] = names.indices.map { index in
                switch index % 3 {
                case 0: ["tampilan": "invisible", "reason": "Arsip \(index)"]
                case 1: ["tampilan": "visible", "page": 1, "originX": "40", "originY": 40, "width": 180, "height": 70, "location": "Padang"]
                default: ["tampilan": "visible", "tag_koordinat": names[index] == "marker-on-last-page.pdf" ? "#ttd_kepala#" : "",
                          "page": 1, "originX": 300, "originY": 60, "width": 200, "height": 80,
                          "imageBase64": try! SigningFixtures.specimen("specimen.jpg").base64]
                }
            }
            // act
            let answer = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase, "totp": code, "signatureProperties": properties,
                "file": files.map { Data($0).base64EncodedString() },
            ])
            // check: ten signed files in order, each valid (earlier signatures too), visible where asked
            #expect(answer.status == .ok, "\(answer.body.string.prefix(400))")
            let returned = try #require(answer.jsonObject?["file"] as? [String]).compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
            #expect(returned.count == 10 && answer.jsonObject?["time"] is Int)
            for (index, signed) in returned.enumerated() {
                #expect(Array(signed.prefix(files[index].count)) == files[index], "file \(index) is not an incremental update")
                let folderRoots = index == 6 ? [root, SigningFixtures.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt").path] : [root]
                let output = try SigningFixtures.pyHankoVerdict(signed, rootPaths: folderRoots)
                let mine = output.stdout.split(separator: "\n").filter { $0.hasPrefix("AMS-") }
                #expect(mine.count == 1 && mine[0].contains("intact=True valid=True trusted=True")
                        && mine[0].hasSuffix(index % 3 == 0 ? "appearance=no" : "appearance=yes"), "file \(index): \(output.combined)")
            }
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 10)
            // the code was for these ten, once
            let reused = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase, "totp": code, "file": [Data(files[0]).base64EncodedString()],
            ])
            #expect(reused.status == .badRequest && reused.esignError?.code == 2031)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBulkWithOneBadFileNamesItAndSignsNothing(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }) { t in
            let (_, client, _, folder) = try await Self.world(t)
            defer { folder.remove() }
            let good = Data(try SigningFixtures.document("fpdf2-classic-xref.pdf")).base64EncodedString()
            let bad = Data(try SigningFixtures.document("not-a-pdf.pdf")).base64EncodedString()
            let answer = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase, "file": [good, good, good, bad, good],
            ])
            #expect(answer.status == .badRequest && answer.esignError?.message.contains("file[3]") == true, "\(answer.body.string)")
            #expect(answer.jsonObject?["file"] == nil)
            let marker = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase, "file": [good, good],
                "signatureProperties": [["tampilan": "invisible"], ["tampilan": "visible", "tag_koordinat": "#tidak_ada#"]],
            ])
            #expect(marker.status == .badRequest && marker.esignError?.message.contains("file[1]") == true
                    && marker.esignError?.message.contains("#tidak_ada#") == true, "\(marker.body.string)")
            let partialBox = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase, "file": [good],
                "signatureProperties": [["tampilan": "visible", "originX": 10, "width": 100]],
            ])
            #expect(partialBox.status == .badRequest && partialBox.esignError?.message.contains("Missing originY, height") == true,
                    "\(partialBox.body.string)")
            let encrypted = try await client.json(.POST, "/api/v2/sign/pdf", [
                "nik": Self.nik, "passphrase": TestApp.passphrase,
                "file": [Data(try SigningFixtures.document("encrypted-user-password-rahasia.pdf")).base64EncodedString()],
                "signatureProperties": [["tampilan": "invisible", "pdfPassword": "rahasia"]],
            ])
            #expect(encrypted.status == .badRequest && encrypted.esignError?.message.contains("password-protected") == true, "\(encrypted.body.string)")
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func credentialsAndSignersAreRefusedWithTheNationalCodes(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (holder, client, _, folder) = try await Self.world(t)
            defer { folder.remove() }
            let file = Data(try SigningFixtures.document("fpdf2-classic-xref.pdf")).base64EncodedString()
            func sign(_ fields: [String: Any]) async throws -> TestingHTTPResponse {
                try await client.json(.POST, "/api/v2/sign/pdf", fields.merging(["file": [file]]) { $1 })
            }
            // unknown NIK: 2011; no signer named: 4004
            #expect(try await sign(["nik": "3578014107900009", "passphrase": TestApp.passphrase, "totp": "123456"]).esignError?.code == 2011)
            #expect(try await sign(["passphrase": TestApp.passphrase]).esignError?.code == 4004)
            // a code without the passphrase: AMS explains it needs both; the passphrase without the code: the second factor
            let codeOnly = try await sign(["nik": Self.nik, "totp": "123456"])
            #expect(codeOnly.status == .badRequest && codeOnly.esignError?.code == 4002 && codeOnly.esignError?.message.contains("passphrase") == true)
            #expect(try await sign(["nik": Self.nik, "passphrase": TestApp.passphrase]).esignError?.code == 4003)
            // a mailed code with a wrong passphrase: 2031, counted
            _ = try await client.json(.POST, "/api/v2/sign/get/totp", ["nik": Self.nik, "data": 1])
            let code = try await SigningWebTests.code(t, for: holder)
            let wrong = try await sign(["nik": Self.nik, "passphrase": "bukan frasa sandinya", "totp": code])
            #expect(wrong.status == .badRequest && wrong.esignError?.code == 2031)
            // an expired code: 2031
            t.clock.advance(by: SigningService.codeLifetime + 1)
            #expect(try await sign(["nik": Self.nik, "passphrase": TestApp.passphrase, "totp": code]).esignError?.code == 2031)
            #expect(try await UserModel.find(holder.id, on: t.db)?.signingFailures == 2)
            // another agency's holder: 403, 4031
            let other = try await t.agency(code: "DISKOMINFO-RIAU", name: "Diskominfo Provinsi Riau", domains: ["riau.go.id"])
            let stranger = try await t.verifiedHolder("198801012010011001", agency: other, fullName: "Budi Santoso")
            stranger.nik = "1471010101880001"
            try await stranger.save(on: t.db)
            let foreign = try await sign(["nik": "1471010101880001", "passphrase": TestApp.passphrase, "totp": "123456"])
            #expect(foreign.status == .forbidden && foreign.esignError?.code == 4031)
            // nothing of the passphrase or code in the audit log
            let details = try await AuditEntryModel.query(on: t.db).all().map(\.details).joined()
            #expect(!details.contains("bukan frasa sandinya") && !details.contains(code) && !details.contains(TestApp.passphrase))
        }
    }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
