@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// "Verifikasi dokumen" at /verifikasi, for anyone: a document AMS signed reads as valid with its signer; a changed
/// one, an unsigned one and a file that is no PDF each get their own plain answer; a certificate revoked after the
/// time-stamped signature leaves it valid.
@Suite("Verifying documents on the public page")
struct VerificationWebTests {
    @Test(arguments: TestDatabase.all)
    func anyoneLearnsWhetherADocumentIsIntactAndWhoSignedIt(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (_, _, holder, _, record) = try await t.issuedWorld()
            let original = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            let signed = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
                .sign([.init(name: "surat.pdf", bytes: original)], holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())[0].bytes
            let reader = t.browser()
            #expect(try await reader.get("/verifikasi").body.string.contains("Verifikasi dokumen"))
            func check(_ bytes: [UInt8], name: String = "surat-ttd.pdf") async throws -> (HTTPStatus, String) {
                let answer = try await reader.postMultipart("/verifikasi", fields: [:], files: ["document": (name, bytes)], from: "/verifikasi")
                return (answer.status, answer.body.string)
            }
            // act and check: valid, naming the signer
            let valid = try await check(signed)
            #expect(valid.0 == .ok && valid.1.contains("data-conclusion=\"VALID\"") && valid.1.contains(holder.fullName)
                    && valid.1.contains("dibuktikan stempel waktu"), "\(valid.1.prefix(500))")
            // a signed byte changed: not valid
            var changed = signed
            let text = String(decoding: signed, as: UTF8.self)
            let at = try #require(text.range(of: "SURAT KETERANGAN"))
            changed[text.utf8.distance(from: text.startIndex, to: at.lowerBound)] = UInt8(ascii: "X")
            let tampered = try await check(changed)
            #expect(tampered.1.contains("data-conclusion=\"INVALID\"") && tampered.1.contains("Isi dokumen berubah setelah ditandatangani"))
            // unsigned, and not a PDF at all
            #expect(try await check(original).1.contains("data-conclusion=\"NO_SIGNATURE\""))
            let notPDF = try await check(Array("halo".utf8), name: "catatan.txt")
            #expect(notPDF.0 == .unprocessableEntity && notPDF.1.contains("bukan PDF"))
            // the certificate revoked now, after the time-stamped signature: still valid
            try await t.certificateService().revoke(record, reason: .keyCompromise, invalidityDate: nil, actor: holder.actor, revokerUserID: holder.id,
                                                    context: .system())
            let afterRevocation = try await check(signed)
            #expect(afterRevocation.1.contains("data-conclusion=\"VALID\""), "\(afterRevocation.1.prefix(500))")
        }
    }
}
