@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Crypto
import Foundation
import SwiftASN1
import Testing
import VaporTesting
import X509

@Suite("Certificate issuance: passphrase-protected keys and CSRs, approval, downloads, checked by openssl and pkilint")
struct CertificateIssuanceTests {
    @Test(arguments: TestDatabase.all)
    func holderRequestsWithAPassphraseAndACAOperatorApproves(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: the CA, a verified holder, the CA operator and an operator of another agency
            let loaded = try await t.certificateAuthority()
            let agency = try await t.agency()
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            let holder = try await t.verifiedHolder(agency: agency)
            try await t.user("op.ca", role: .caOperator)
            try await t.user("op.riau", role: .agencyOperator, agency: other)
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // only the holder asks, re-entering their password: without it (or with a wrong one) nothing is kept
            for password in ["", "bukan kata sandinya"] {
                let unconfirmed = try await browser.postMultipart("/certificates/new", fields: [
                    "method": "generated", "passphrase": TestApp.passphrase, "passphraseConfirmation": TestApp.passphrase,
                    "password": password], files: [:], from: "/certificates/new")
                #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.string.contains("Kata sandi salah"))
            }
            // a bad submission keeps nothing and says why
            let mismatch = try await browser.postMultipart("/certificates/new", fields: [
                "method": "generated", "passphrase": TestApp.passphrase, "passphraseConfirmation": "something else entirely",
                "password": TestApp.password], files: [:], from: "/certificates/new")
            #expect(mismatch.status == .unprocessableEntity && mismatch.body.string.contains("Kedua frasa sandi tidak sama"))
            #expect(try await CertificateModel.query(on: t.db).count() == 0)
            // act: the holder asks; the request waits for approval
            let submitted = try await browser.postMultipart("/certificates/new", fields: [
                "method": "generated", "passphrase": TestApp.passphrase, "passphraseConfirmation": TestApp.passphrase,
                "password": TestApp.password], files: [:], from: "/certificates/new")
            #expect(submitted.status == .seeOther)
            let pending = try #require(try await CertificateModel.query(on: t.db).first())
            #expect(pending.status == .pending && pending.serialHex == nil && pending.method == .generated)
            #expect(pending.subject.contains("CN=Siti Rahmawati") && pending.subject.contains("OU=Bidang Persandian"))
            // a second request while one is open is refused
            let second = try await browser.postMultipart("/certificates/new", fields: [
                "method": "generated", "passphrase": TestApp.passphrase, "passphraseConfirmation": TestApp.passphrase,
                "password": TestApp.password], files: [:], from: "/certificates/new")
            #expect(second.status == .conflict && second.body.string.contains("Masih ada permohonan"))
            // the other agency's operator cannot see it; the CA operator sees it in the queue and approves
            let riau = t.browser()
            try await riau.signIn("op.riau", TestApp.password)
            #expect(try await riau.get("/certificates/\(pending.id!.uuidString)").status == .notFound)
            #expect(!(try await riau.get("/certificates").body.string.contains("Siti Rahmawati")))
            let ca = t.browser()
            try await ca.signIn("op.ca", TestApp.password)
            #expect(try await ca.get("/certificates?status=pending").body.string.contains("Siti Rahmawati"))
            let approved = try await ca.post("/certificates/\(pending.id!.uuidString)/approve", form: ["version": String(pending.version)],
                                             from: "/certificates/\(pending.id!.uuidString)")
            #expect(approved.status == .seeOther)
            // approving again with the old version is a lost race, not a second certificate
            let again = try await ca.post("/certificates/\(pending.id!.uuidString)/approve", form: ["version": String(pending.version)],
                                          from: "/certificates/\(pending.id!.uuidString)")
            #expect(again.status == .unprocessableEntity || again.status == .conflict)
            let issued = try await t.record(pending.id)
            #expect(issued.status == .issued && issued.serialHex?.count == 32 && issued.certificateDER != nil)
            // assert: the holder's mail, the audit trail, the key wrapped under the passphrase only
            let mail = try #require(try await t.mails(to: holder.email).first)
            #expect(mail.template == "certificate_issued" && mail.body.contains(issued.serialHex!))
            let actions = try await t.auditActions()
            for action in ["certificate.requested", "certificate.approved", "certificate.issuing", "certificate.issued"] {
                #expect(actions.contains(action), "\(action)")
            }
            let wrapped = try #require(issued.wrappedKey)
            let key = try PassphraseKeyWrap.unwrap(Array(wrapped), passphrase: TestApp.passphrase, algorithm: .p256)
            let certificate = try Certificate(derEncoded: Array(issued.certificateDER!))
            #expect(certificate.publicKey == key.publicKey)
            #expect(throws: PKIError.wrongPassphrase) { try PassphraseKeyWrap.unwrap(Array(wrapped), passphrase: "not the passphrase", algorithm: .p256) }
            // batched audit entries (intent, issuance, queued mail) keep the HMAC chain intact
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
            let auditText = try await AuditEntryModel.query(on: t.db).all().map { "\($0.details)" }.joined()
            #expect(!auditText.contains(TestApp.passphrase))
            // downloads: PEM, DER, chain, PKCS#7; openssl verifies the chain, pkilint finds no error
            let page = "/certificates/\(issued.id!.uuidString)/download/"
            let pem = try await browser.get(page + "certificate.pem")
            #expect(pem.headers.contentType?.description.contains("pem") == true && pem.body.string.hasPrefix("-----BEGIN CERTIFICATE-----"))
            #expect(Array(try await browser.get(page + "certificate.der").body.readableBytesView) == Array(issued.certificateDER!))
            let chain = try await browser.get(page + "chain.pem").body.string
            #expect(chain.components(separatedBy: "BEGIN CERTIFICATE").count == 4)
            let verified = try PKIOracle.verify(leafPEM: pem.body.string, rootPEM: PEM.encode(loaded.root.der, label: "CERTIFICATE"),
                                                intermediatesPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"),
                                                at: t.clock.now.addingTimeInterval(60))
            #expect(verified.ok, "\(verified.output)")
            #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: Array(issued.certificateDER!)) == [])
            let p7b = try await browser.get(page + "chain.p7b")
            let folder = try ScratchFolder()
            defer { folder.remove() }
            let printed = try ExternalTool.run(["openssl", "pkcs7", "-inform", "DER", "-in", try folder.write("chain.p7b", Array(p7b.body.readableBytesView)),
                                                "-print_certs", "-noout"])
            #expect(printed.status == 0 && printed.stdout.components(separatedBy: "subject=").count == 4)
            // another holder cannot download it
            let stranger = try await t.verifiedHolder("199101012016011001", agency: agency, fullName: "Budi Santoso")
            let strangerBrowser = t.browser()
            try await strangerBrowser.signIn(stranger.username, TestApp.password)
            #expect(try await strangerBrowser.get(page + "certificate.pem").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCSRIsIssuedAtOnceWhenApprovalIsOff(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.certificates.approvalRequired = false }) { t in
            try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let folder = try ScratchFolder()
            defer { folder.remove() }
            func csr(_ keyArguments: [String], digest: String = "-sha256") throws -> [UInt8] {
                let output = try ExternalTool.run(["openssl", "req", "-new", "-newkey"] + keyArguments + ["-nodes", digest,
                                                   "-keyout", folder.path("key.pem"), "-subj", "/CN=ignored", "-outform", "PEM"])
                #expect(output.status == 0, "\(output.stderr)")
                return Array(output.stdout.utf8)
            }
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // refused: junk, a key too small, an empty form
            let junk = try await browser.postMultipart("/certificates/new", fields: ["method": "csr", "password": TestApp.password],
                                                       files: ["csrFile": ("request.csr", Array("%PDF-1.7 not a CSR".utf8))], from: "/certificates/new")
            #expect(junk.status == .unprocessableEntity && junk.body.string.contains("bukan CSR PKCS#10"))
            let weak = try await browser.postMultipart("/certificates/new", fields: ["method": "csr", "password": TestApp.password],
                                                       files: ["csrFile": ("weak.csr", try csr(["rsa:1024"]))], from: "/certificates/new")
            #expect(weak.status == .unprocessableEntity && weak.body.string.contains("tidak diterima"), "\(weak.body.string.components(separatedBy: "field-error").dropFirst().first ?? "")")
            let empty = try await browser.postMultipart("/certificates/new", fields: ["method": "csr", "password": TestApp.password], files: [:], from: "/certificates/new")
            #expect(empty.status == .unprocessableEntity)
            #expect(try await CertificateModel.query(on: t.db).count() == 0)
            // the form leads with the passphrase; the CSR is under "advanced", and a CSR pasted there is what is used
            let form = try await browser.get("/certificates/new").body.string
            #expect(form.contains("<details class=\"advanced\">") && form.contains("data-busy=") && form.contains("/js/busy.js"))
            #expect(try #require(form.range(of: "name=\"passphrase\"")).lowerBound < (try #require(form.range(of: "name=\"csrText\""))).lowerBound)
            // accepted: a P-256 CSR pasted under "advanced" (no method chosen), issued without waiting, for the CSR's key
            let request = try csr(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
            let accepted = try await browser.postMultipart("/certificates/new", fields: ["password": TestApp.password,
                                                                                         "csrText": String(decoding: request, as: UTF8.self)],
                                                           files: [:], from: "/certificates/new")
            #expect(accepted.status == .seeOther && accepted.headers.first(name: .location)?.hasSuffix("notice=certificate_issued") == true)
            let record = try #require(try await CertificateModel.query(on: t.db).first())
            #expect(record.status == .issued && record.method == .csr && record.wrappedKey == nil)
            let certificate = try Certificate(derEncoded: Array(record.certificateDER!))
            let keyPublic = try ExternalTool.run(["openssl", "pkey", "-in", folder.path("key.pem"), "-pubout"])
            #expect(keyPublic.status == 0)
            #expect(PEM.encode(try certificate.publicKey.derBytes, label: "PUBLIC KEY") == keyPublic.stdout)
            #expect(Array(record.publicKey) == (try certificate.publicKey.derBytes))
            #expect(certificate.subject.description.contains("CN=Siti Rahmawati"), "subject comes from the verified identity, not the CSR")
            #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: Array(record.certificateDER!)) == [])
        }
    }

    @Test(arguments: TestDatabase.all)
    func onlyVerifiedUnchangedHoldersMayRequest(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let service = t.certificateService()
            let source = CertificateService.KeySource.passphrase(TestApp.passphrase, confirmation: TestApp.passphrase)
            // changed data waits for re-verification
            holder.reverificationRequired = true
            try await holder.save(on: t.db)
            await #expect(throws: DomainError(.reverificationRequired)) {
                try await service.request(holder: holder, source: source, context: .system("test"))
            }
            // never verified
            let unverified = try await t.user("199202022017022002", role: .applicant, agency: agency)
            await #expect(throws: DomainError(.identityNotVerified)) {
                try await service.request(holder: unverified, source: source, context: .system("test"))
            }
            // staff accounts do not hold signing certificates here; the route refuses them
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let op = t.browser()
            try await op.signIn("op.sumbar", TestApp.password)
            #expect(try await op.get("/certificates/new").status == .forbidden)
            // a pending request whose holder changed data in the meantime is not approved
            holder.reverificationRequired = false
            try await holder.save(on: t.db)
            let record = try await service.request(holder: holder, source: source, context: .system("test"))
            holder.reverificationRequired = true
            try await holder.save(on: t.db)
            let caOperator = try await t.user("op.ca", role: .caOperator)
            await #expect(throws: DomainError(.reverificationRequired)) {
                try await service.approve(record, expectedVersion: record.version, by: caOperator, context: .system("test"))
            }
            #expect(try await t.record(record.id).status == .pending)
            // an agency operator may not approve; the CA operator may reject with a reason the holder reads
            let agencyOperator = try await UserModel.query(on: t.db).filter(\.$username == "op.sumbar").first()!
            await #expect(throws: DomainError.forbidden) {
                try await service.approve(record, expectedVersion: record.version, by: agencyOperator, context: .system("test"))
            }
            try await service.reject(record, expectedVersion: record.version, note: "Data unit kerja belum benar", by: caOperator, context: .system("test"))
            #expect(try await t.record(record.id).status == .rejected)
            #expect(try await t.mails(to: holder.email).first?.body.contains("Data unit kerja belum benar") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aCAOperatorApprovesSelectedRequestsTogetherOrNone(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: three holders, each with a pending request
            try await t.certificateAuthority()
            let agency = try await t.agency()
            try await t.user("op.ca", role: .caOperator)
            var pending: [CertificateModel] = []
            for index in 0..<3 {
                let holder = try await t.verifiedHolder("19900505201503200\(index)", agency: agency, fullName: "Pemegang Nomor \(index)")
                pending.append(try await t.certificateService().request(
                    holder: holder, source: .passphrase(TestApp.passphrase, confirmation: TestApp.passphrase), context: .system("test")))
            }
            #expect(pending.allSatisfy { $0.status == .pending })
            let holderView = t.browser()
            try await holderView.signIn("199005052015032000", TestApp.password)
            #expect(!(try await holderView.get("/certificates").body.string.contains(#"name="selected[]""#)))
            let ca = t.browser()
            try await ca.signIn("op.ca", TestApp.password)
            let queue = try await ca.get("/certificates?status=pending").body.string
            #expect(queue.components(separatedBy: #"name="selected[]""#).count - 1 == 3 && queue.contains("Setujui dan terbitkan yang dipilih"))
            let selections = pending.map { ("selected[]", "\($0.id!.uuidString):\($0.version)") }
            // nothing ticked: said so, nothing changes
            let none = try await ca.post("/certificates/approve", pairs: [], from: "/certificates?status=pending")
            #expect(none.status == .unprocessableEntity && none.body.string.contains("Pilih setidaknya satu permohonan"))
            // one of them changed since the page was shown: none is approved
            var stale = selections
            stale[1].1 = "\(pending[1].id!.uuidString):\(pending[1].version + 1)"
            let refused = try await ca.post("/certificates/approve", pairs: stale, from: "/certificates?status=pending")
            #expect(refused.status == .conflict && refused.body.string.contains("baru saja diubah"))
            for record in pending { #expect(try await t.record(record.id).status == .pending) }
            // act: all three ticked
            let approved = try await ca.post("/certificates/approve", pairs: selections, from: "/certificates?status=pending")
            // check: issued together, each with its mail and audit entries; the chain intact
            #expect(approved.status == .seeOther && approved.headers.first(name: .location) == "/certificates?status=pending&notice=certificates_approved")
            for record in pending {
                let issued = try await t.record(record.id)
                #expect(issued.status == .issued && issued.certificateDER != nil && issued.decidedAt != nil)
                #expect(try await t.mails(to: issued.email).contains { $0.template == "certificate_issued" })
            }
            #expect(try await t.auditActions().filter { $0 == "certificate.approved" }.count == 3)
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
            // approving the same selection again is refused: they are no longer pending
            let again = try await ca.post("/certificates/approve", pairs: selections, from: "/certificates?status=pending")
            #expect(again.status == .conflict || again.status == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theRecordsAnApprovalReturnsAreTheRowsItStored(db: TestDatabase) async throws {
        // issuance updates the returned records in memory instead of reading them back; they must equal the stored rows
        try await TestApp.with(db) { t in
            let (caOperator, service, pending) = try await t.pendingBatch(3) { _ in
                .passphrase(TestApp.passphrase, confirmation: TestApp.passphrase)
            }
            // act
            let returned = try await service.approveMany(pending, expectedVersions: Dictionary(uniqueKeysWithValues: pending.map { ($0.id!, $0.version) }),
                                                         by: caOperator, context: .system("test"))
            // check: every field, as the model encodes it (a column added later is compared too)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .secondsSince1970
            func fields(_ model: CertificateModel) throws -> [String: Any] {
                try #require(try JSONSerialization.jsonObject(with: encoder.encode(model)) as? [String: Any])
            }
            #expect(returned.count == 3)
            for record in returned {
                let inMemory = try fields(record), stored = try fields(try await t.record(record.id))
                #expect(Set(inMemory.keys) == Set(stored.keys))
                for (key, value) in stored {
                    let other = inMemory[key]
                    if let number = value as? Double, let otherNumber = other as? Double {
                        // PostgreSQL keeps timestamps to the microsecond
                        #expect(abs(number - otherNumber) < 0.001, "\(key)")
                    } else {
                        #expect(String(describing: value) == String(describing: other ?? "absent"), "\(key)")
                    }
                }
                #expect(record.status == .issued && record.certificateDER != nil)
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBatchKeepsEveryAuditEntryAndMailWithItsCertificate(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (caOperator, service, pending) = try await t.pendingBatch(40) { index in
                try TestApp.csrSource(commonName: "Pemegang \(index)")
            }
            // act
            let issued = try await service.approveMany(pending, expectedVersions: Dictionary(uniqueKeysWithValues: pending.map { ($0.id!, $0.version) }),
                                                       by: caOperator, context: .system("test"))
            // check: each certificate's entries name its own serial, each holder has one queued mail entry, the chain holds
            let entries = try await AuditEntryModel.query(on: t.db).sort(\.$sequence).all()
            #expect(issued.count == pending.count)
            for record in issued {
                let serial = Array(try Certificate(derEncoded: Array(try #require(record.certificateDER))).serialNumber.bytes).hexString
                #expect(record.serialHex == serial)
                let own = entries.filter { $0.targetID == record.id!.uuidString }
                #expect(own.map(\.action) == ["certificate.requested", "certificate.approved", "certificate.issuing", "certificate.issued"])
                for entry in own where entry.action == "certificate.issuing" || entry.action == "certificate.issued" {
                    #expect(AuditRecord.details(fromJSON: entry.details)["serial"] == serial)
                }
                let queued = entries.filter { $0.action == "mail.queued" && AuditRecord.details(fromJSON: $0.details)["recipient"] == record.email }
                #expect(queued.count == 1)
                #expect(try await t.mails(to: record.email).map(\.template) == ["certificate_issued"])
            }
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
        }
    }
}
