@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting
import X509

/// The institution's electronic seal end to end: the agency operator asks, the CA operator approves (a certificate of
/// the seal profile: the agency, no person, the seal policy; the key held by AMS), the operator lists who may seal;
/// an application of the agency activates it with the mailed code, takes a code for two files and seals them; the
/// sealed files verify as seals (pyHanko agrees they are valid), also beside a person's signature; codes are single
/// use and bound to the application; revocation shows in OCSP and ends sealing.
@Suite("Electronic seals: request, approval, activation, sealing, revocation")
struct SealTests {
    static func idSubscriber(_ html: String) throws -> String {
        let range = try #require(html.range(of: #"SEAL-[A-Z0-9]{12}"#, options: .regularExpression))
        return String(html[range])
    }

    @Test(arguments: TestDatabase.all)
    func anAgencySealsDocumentsThroughTheNationalAPIAfterApprovalAndActivation(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, agency, holder, caOperator, _) = try await t.issuedWorld()
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let agencyOperator = t.browser()
            try await agencyOperator.signIn("op.sumbar", TestApp.password)
            let ca = t.browser()
            try await ca.signIn(caOperator.username, TestApp.password)
            // the agency operator asks for the seal; a missing name is refused with its reason
            #expect(try await agencyOperator.get("/seals").body.string.contains("name=\"contactEmail\""))
            let missing = try await agencyOperator.post("/seals", form: ["name": " ", "contactEmail": "tte@sumbarprov.go.id"], from: "/seals")
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("Nama segel wajib diisi"))
            let requested = try await agencyOperator.post("/seals", form: ["name": "Diskominfo Sumbar", "contactEmail": "tte@sumbarprov.go.id"],
                                                          from: "/seals")
            let sealPath = try #require(requested.location?.components(separatedBy: "?").first)
            let requestedPage = try await agencyOperator.get(sealPath).body.string
            #expect(requestedPage.contains("data-seal-status=\"requested\"") && !requestedPage.contains("/approve"))
            // only the CA operator approves
            #expect(try await agencyOperator.post(sealPath + "/approve", form: [:], from: sealPath).status == .forbidden)
            #expect(try await ca.get("/seals").body.string.contains("Diskominfo Sumbar"))
            #expect(try await ca.post(sealPath + "/approve", form: [:], from: sealPath).location == sealPath + "?notice=seal_approved")
            let seal = try #require(try await SealModel.query(on: t.db).first())
            #expect(seal.status == .active && seal.sealedKey != nil)
            // the certificate: the agency as organisation, no person, the seal policy, for signing; its chain verifies
            let certificate = try Certificate(derEncoded: Array(try #require(seal.certificateDER)))
            #expect(certificate.subject.commonName == "Diskominfo Sumbar" && String(describing: certificate.subject).contains("O=\(agency.name)"))
            #expect(certificate.policyIdentifiers == [OID(dotted: t.services.configuration.certificates.sealPolicyOID)!])
            #expect(try certificate.extensions.keyUsage?.nonRepudiation == true)
            let chain = try PKIOracle.verify(leafPEM: PEM.encode(try certificate.derBytes, label: "CERTIFICATE"),
                                             rootPEM: PEM.encode(loaded.root.der, label: "CERTIFICATE"),
                                             intermediatesPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"))
            #expect(chain.ok, "\(chain.output)")
            let ocsp = try await OCSPResponder(services: t.services).lookUp([Array(certificate.serialNumber.bytes)], issuerID: loaded.issuingID, on: t.db)
            #expect(ocsp[Array(certificate.serialNumber.bytes).hexString] == .good)
            // who may seal: the operator adds the holder (the CA operator may not)
            #expect(try await ca.post(sealPath + "/sealers", form: ["userID": holder.id!.uuidString], from: sealPath).status == .forbidden)
            #expect(try await agencyOperator.post(sealPath + "/sealers", form: ["userID": holder.id!.uuidString], from: sealPath).status == .seeOther)
            #expect(try await agencyOperator.get(sealPath).body.string.contains(holder.email))

            // the agency's application: activation code by mail, activation, a code for two files, two sealed files
            let client = try await ESignClient.make(t, agency: agency)
            let id = try Self.idSubscriber(requestedPage)
            let asked = try await client.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id])
            #expect(asked.status == .ok, "\(asked.body.string)")
            let mail = try #require(try await t.mails(to: holder.email).first { $0.template == "seal_activation_code" })
            let code = String(mail.body[try #require(mail.body.range(of: #"\b[A-Z2-9]{10}\b"#, options: .regularExpression))])
            #expect(try await client.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id, "totp": "WRONGCODE2"]).esignError?.code == 2031)
            let activated = try await client.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id, "totp": code])
            struct Activation: Decodable { let totp: String? }
            let activation = try #require(try JSONDecoder().decode(Activation.self, from: Data(activated.body.readableBytesView)).totp)
            #expect(try await client.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id, "totp": code]).esignError?.code == 2031,
                    "a mailed activation code works once")
            let batch = try await client.json(.POST, "/api/v2/seal/get/totp", ["idSubscriber": id, "data": 2, "totp": activation])
            struct Batch: Decodable { let totp: String; let data: Int }
            let batchCode = try JSONDecoder().decode(Batch.self, from: Data(batch.body.readableBytesView))
            #expect(batchCode.data == 2)
            let letter = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            let personal = try await SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
                .sign([.init(name: "surat.pdf", bytes: letter)], holder: holder, passphrase: TestApp.passphrase, code: "", context: .system())[0].bytes
            let files = [letter, personal].map { Data($0).base64EncodedString() }
            // three files on a code for two: refused, and the code is not spent
            #expect(try await client.json(.POST, "/api/v2/seal/pdf", ["idSubscriber": id, "totp": batchCode.totp, "file": files + [files[0]]])
                .esignError?.code == 4000)
            let sealed = try await client.json(.POST, "/api/v2/seal/pdf", ["idSubscriber": id, "totp": batchCode.totp, "file": files,
                                                                          "signatureProperties": [["tampilan": "visible", "page": 1, "originX": 350, "originY": 60, "width": 200, "height": 80, "signatureLevel": "B-LT"]]])
            #expect(sealed.status == .ok, "\(sealed.body.string.prefix(300))")
            struct Sealed: Decodable { let file: [String] }
            let documents = try JSONDecoder().decode(Sealed.self, from: Data(sealed.body.readableBytesView)).file.map { Array(Data(base64Encoded: $0)!) }
            #expect(try await client.json(.POST, "/api/v2/seal/pdf", ["idSubscriber": id, "totp": batchCode.totp, "file": files]).esignError?.code == 2031,
                    "a batch code seals once")

            // check: seals verify as seals, beside the person's signature; pyHanko finds both valid
            let verification = VerificationService(services: t.services, database: t.db)
            let onlySeal = try await verification.verify(documents[0])
            #expect(onlySeal.conclusion == .valid && onlySeal.signatures.map(\.kind) == [.seal] && onlySeal.signatures[0].level == .bLT)
            let both = try await verification.verify(documents[1])
            #expect(both.conclusion == .valid && both.signatures.map(\.kind) == [.signature, .seal], "\(both.signatures.map(\.notes))")
            let folder = try ScratchFolder("ams-seal")
            defer { folder.remove() }
            let verdict = try SigningFixtures.pyHankoVerdict(documents[1], rootPaths: [try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))])
            #expect(verdict.stdout.components(separatedBy: "intact=True valid=True trusted=True").count == 3, "\(verdict.combined)")
            let page = try await t.browser().postMultipart("/verifikasi", fields: [:], files: ["document": ("disegel.pdf", documents[1])],
                                                           from: "/verifikasi").body.string
            #expect(page.contains("data-kind=\"SEAL\"") && page.contains("Segel elektronik instansi") && page.contains("Diskominfo Sumbar"))
            #expect(try await t.auditActions().filter { $0 == "seal.document_sealed" }.count == 2)

            // another agency's application does not see the seal; an ended activation gives no codes
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            let stranger = try await ESignClient.make(t, agency: other, name: "SIMPEG Riau")
            #expect(try await stranger.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id]).esignError?.code == 2012)
            #expect(try await client.json(.POST, "/api/v2/seal/revoke/activation", ["idSubscriber": id, "totp": activation]).status == .ok)
            #expect(try await client.json(.POST, "/api/v2/seal/get/totp", ["idSubscriber": id, "data": 1, "totp": activation]).esignError?.code == 2031)

            // the CA operator revokes the seal: OCSP says so, and the seal asks for no more codes
            #expect(try await ca.post(sealPath + "/revoke", form: ["reason": "keyCompromise"], from: sealPath).status == .seeOther)
            let after = try await OCSPResponder(services: t.services).lookUp([Array(certificate.serialNumber.bytes)], issuerID: loaded.issuingID, on: t.db)
            guard case .revoked(_, let reason)? = after[Array(certificate.serialNumber.bytes).hexString] else {
                Issue.record("OCSP does not say revoked: \(String(describing: after))")
                return
            }
            #expect(reason == .keyCompromise)
            #expect(try await client.json(.POST, "/api/v2/seal/get/activation", ["idSubscriber": id]).esignError?.code == 4092)
            // nothing of the codes in the audit log
            let details = try await AuditEntryModel.query(on: t.db).all().map(\.details).joined()
            #expect(!details.contains(code) && !details.contains(activation) && !details.contains(batchCode.totp))
        }
    }
}
