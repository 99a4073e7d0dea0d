@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// The national API's two verify shapes, field by field as `../shared/ESIGN-API.md` lists them.
@Suite("National e-signature API: verification")
struct ESignVerifyTests {
    @Test(arguments: TestDatabase.all)
    func bothFamiliesDescribeASignedDocumentInTheirOwnShape(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (holder, client, _, folder) = try await ESignAPITests.world(t)
            defer { folder.remove() }
            let signed = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
                .sign([.init(name: "surat.pdf", bytes: try SigningFixtures.document("fpdf2-classic-xref.pdf"), reason: "Menyetujui")],
                      holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())[0].bytes
            // v2
            let v2 = try await client.json(.POST, "/api/v2/verify/pdf", ["file": Data(signed).base64EncodedString()])
            let body = try #require(v2.jsonObject, "\(v2.body.string)")
            #expect(Set(body.keys) == ["conclusion", "description", "signatureInformations", "signatureCount"])
            #expect(body["conclusion"] as? String == "VALID" && body["signatureCount"] as? Int == 1)
            let information = try #require((body["signatureInformations"] as? [[String: Any]])?.first)
            #expect(Set(information.keys) == ["id", "signatureFormat", "signerName", "signatureDate", "fieldName", "reason", "location", "certLevelCode",
                                              "signatureAlgorithm", "digestAlgorithm", "timestampInfomation", "certificateDetails", "integrityValid",
                                              "certificateTrusted", "lastSignature"])
            #expect(information["signatureFormat"] as? String == "PKCS7-T" && information["signerName"] as? String == holder.fullName
                    && information["reason"] as? String == "Menyetujui" && information["integrityValid"] as? Bool == true
                    && information["certificateTrusted"] as? Bool == true && information["lastSignature"] as? Bool == true)
            let stamp = try #require(information["timestampInfomation"] as? [String: Any])
            #expect(Set(stamp.keys) == ["id", "signerName", "timestampDate"])
            let details = try #require(information["certificateDetails"] as? [[String: Any]])
            #expect(details.count == 3 && Set(details[0].keys) == ["id", "commonName", "issuerName", "serialNumber", "notAfterDate", "notBeforeDate",
                                                                   "signatureAlgoritm", "keyUsages"])
            #expect((details[0]["keyUsages"] as? [String])?.contains("nonRepudiation") == true || (details[0]["keyUsages"] as? [String])?.contains("digitalSignature") == true)
            // none: NO_SIGNATURE
            let none = try await client.json(.POST, "/api/v2/verify/pdf", ["file": Data(try SigningFixtures.document("fpdf2-classic-xref.pdf")).base64EncodedString()])
            #expect(none.jsonObject?["conclusion"] as? String == "NO_SIGNATURE" && none.jsonObject?["signatureCount"] as? Int == 0)
            // v1
            let v1 = try await client.multipart("/api/sign/verify", [("signed_file", .file("surat-ttd.pdf", signed))])
            let v1Body = try #require(v1.jsonObject, "\(v1.body.string)")
            #expect(v1Body["nama_dokumen"] as? String == "surat-ttd.pdf" && v1Body["jumlah_signature"] as? Int == 1 && v1Body["summary"] as? String == "VALID")
            #expect(v1Body["notes"] is [String], "\(v1Body["notes"] ?? "")")
            let detail = try #require((v1Body["details"] as? [[String: Any]])?.first)
            let signer = try #require(detail["info_signer"] as? [String: Any]), document = try #require(detail["signature_document"] as? [String: Any])
            #expect(signer["signer_name"] as? String == holder.fullName && signer["cert_user_certified"] as? Bool == true
                    && (signer["issuer_dn"] as? String)?.contains("CN=") == true && signer["signer_cert_validity"] as? Bool == true)
            #expect(document["document_integrity"] as? Bool == true && document["signature_value"] as? Bool == true && document["reason"] as? String == "Menyetujui"
                    && (document["signed_in"] as? String)?.isEmpty == false)
            #expect((detail["info_tsa"] as? [String: Any])?["name"] as? String == "AMS Time-Stamping Authority")
            // not a PDF: a clear 400
            let notPDF = try await client.json(.POST, "/api/v2/verify/pdf", ["file": Data("halo".utf8).base64EncodedString()])
            #expect(notPDF.status == .badRequest && notPDF.esignError?.code == 4000)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theOwnAPIGivesTheEN319102Indications(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (_, agency, holder, _, _) = try await t.issuedWorld()
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let key = try await t.apiKey(agency: agency, admin: admin)
            let signed = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
                .sign([.init(name: "surat.pdf", bytes: try SigningFixtures.document("fpdf2-classic-xref.pdf"))],
                      holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())[0].bytes
            var changed = signed
            changed[200] ^= 0x01
            for (bytes, conclusion, indication) in [(signed, "VALID", "TOTAL_PASSED"), (changed, "INVALID", "TOTAL_FAILED")] {
                let answer = try await t.callAPI(.POST, "/api/v1/verify", key: key, json: "{\"file\": \"\(Data(bytes).base64EncodedString())\"}")
                let body = try #require(answer.jsonObject, "\(answer.body.string)")
                #expect(body["conclusion"] as? String == conclusion)
                let first = try #require((body["signatures"] as? [[String: Any]])?.first)
                #expect(first["indication"] as? String == indication && first["signer"] as? String == holder.fullName, "\(first)")
            }
            #expect(try await t.callAPI(.POST, "/api/v1/verify", key: nil, json: "{\"file\": \"\"}").status == .unauthorized)
        }
    }
}
