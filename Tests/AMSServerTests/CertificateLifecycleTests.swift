@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import X509

@Suite("Certificate life: reminders, renewal, forgotten passphrase, agency revocation, the API, the CA at rest")
struct CertificateLifecycleTests {
    @Test(arguments: TestDatabase.all)
    func remindersAt30_7_1DaysThenRenewal(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, caOperator, record) = try await t.issuedWorld()
            let notAfter = try #require(record.notAfter)
            let service = t.certificateService()
            func reminders() async throws -> Int { try await t.mails(to: holder.email).filter { $0.template == "certificate_expiry_reminder" }.count }
            // nothing before 30 days; renewal closed
            #expect(try await service.sendExpiryReminders() == 0)
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let page = "/certificates/\(record.id!.uuidString)"
            #expect(!(try await browser.get(page).body.string.contains("/renew")))
            await #expect(throws: DomainError(.renewalNotOpen)) {
                try await service.renew(record, holder: holder, source: .passphrase(TestApp.passphrase, confirmation: TestApp.passphrase),
                                        context: .system("test"))
            }
            // 29 days before: the first reminder, once
            t.clock.advance(by: notAfter.timeIntervalSince(t.clock.now) - 29 * 86_400)
            #expect(try await service.sendExpiryReminders() == 1)
            #expect(try await service.sendExpiryReminders() == 0)
            let mail = try #require(try await t.mails(to: holder.email).first { $0.template == "certificate_expiry_reminder" })
            #expect(mail.body.contains("29 hari") && mail.body.contains(page))
            // 6 days before: the second
            t.clock.advance(by: 23 * 86_400)
            #expect(try await service.sendExpiryReminders() == 1)
            #expect(try await reminders() == 2)
            // the holder (signed in again: weeks went by) renews with a new key; the renewal refers to the old
            // certificate and stops the last reminder
            try await browser.signIn(holder.username, TestApp.password)
            #expect(try await browser.get(page).body.string.contains("/renew"))
            let renewed = try await browser.postMultipart(page + "/renew", fields: [
                "method": "generated", "passphrase": "sate padang pedas sekali", "passphraseConfirmation": "sate padang pedas sekali",
                "password": TestApp.password], files: [:], from: page + "/renew")
            #expect(renewed.status == .seeOther)
            let renewal = try #require(try await CertificateModel.query(on: t.db).filter(\.$replacesID == record.id).first())
            #expect(renewal.status == .pending && renewal.publicKey != record.publicKey)
            t.clock.advance(by: 5 * 86_400 + 3600)
            _ = try await service.sendExpiryReminders()
            #expect(try await reminders() == 2)
            // the renewal is issued with the current verified data
            let issued = try await service.approve(renewal, expectedVersion: renewal.version, by: caOperator, context: .system("test"))
            #expect(issued.status == .issued && issued.subject == record.subject)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aForgottenPassphraseSupersedesTheCertificate(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, _, record) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let page = "/certificates/\(record.id!.uuidString)"
            #expect(try await browser.get(page).body.string.contains("Frasa sandi tidak dapat dipulihkan"))
            let newPassphrase = "rendang daging sapi 2026"
            // wrong account password: nothing happens
            let refused = try await browser.post(page + "/replace", form: ["password": "wrong", "passphrase": newPassphrase,
                                                                            "passphraseConfirmation": newPassphrase], from: page)
            let afterRefusal = try await t.record(record.id).status
            #expect(refused.status == .unprocessableEntity && afterRefusal == .issued)
            // a too-short new passphrase: nothing revoked either
            let short = try await browser.post(page + "/replace", form: ["password": TestApp.password, "passphrase": "pendek",
                                                                          "passphraseConfirmation": "pendek"], from: page)
            #expect(short.status == .unprocessableEntity && short.body.string.contains("12 sampai 1024"))
            #expect(try await t.record(record.id).status == .issued)
            // re-authenticated: the old one revoked as superseded, a new key under the new passphrase requested
            let replaced = try await browser.post(page + "/replace", form: ["password": TestApp.password, "passphrase": newPassphrase,
                                                                             "passphraseConfirmation": newPassphrase], from: page)
            #expect(replaced.status == .seeOther)
            let old = try await t.record(record.id)
            #expect(old.status == .revoked && old.revocationReason == RevocationReason.superseded.rawValue)
            let successor = try #require(try await CertificateModel.query(on: t.db).filter(\.$replacesID == record.id).first())
            #expect(successor.status == .pending)
            _ = try PassphraseKeyWrap.unwrap(Array(successor.wrappedKey!), passphrase: newPassphrase, algorithm: .p256)
        }
    }

    @Test(arguments: TestDatabase.all)
    func agencyOperatorsRevokeInTheirAgencyOnlyAndTheAPIWorksForItsAgency(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let loaded = try await t.certificateAuthority()
            let agency = try await t.agency()
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            let holder = try await t.verifiedHolder(agency: agency)
            let caOperator = try await t.user("op.ca", role: .caOperator)
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            try await t.user("op.riau", role: .agencyOperator, agency: other)
            try await t.user("admin", role: .administrator)
            let record = try await t.issuedCertificate(for: holder, approver: caOperator)
            let page = "/certificates/\(record.id!.uuidString)"
            // the other agency's operator cannot reach it
            let riau = t.browser()
            try await riau.signIn("op.riau", TestApp.password)
            #expect(try await riau.post(page + "/revoke", form: ["reason": "affiliationChanged"], from: "/certificates").status == .notFound)
            // the API of the other agency neither sees nor revokes it
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let riauKey = try await t.apiKey(agency: other, admin: admin)
            #expect(try await t.callAPI(.GET, "/api/v1/certificates/\(record.id!.uuidString)", key: riauKey).status == .notFound)
            #expect(try await t.callAPI(.POST, "/api/v1/certificates/\(record.id!.uuidString)/revoke", key: riauKey,
                                        json: #"{"reason":"keyCompromise"}"#).status == .notFound)
            // the own agency's API: create a request with a CSR, list, read
            let key = try await t.apiKey(agency: agency, admin: admin)
            let folder = try ScratchFolder()
            defer { folder.remove() }
            let csr = try ExternalTool.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
                                            "-keyout", folder.path("key.pem"), "-subj", "/CN=x"]).stdout
            let body = try String(data: JSONEncoder().encode(["holder": holder.username, "csr": csr]), encoding: .utf8)!
            // the holder still has an issued certificate but no open request, so the API may ask for another
            let created = try await t.callAPI(.POST, "/api/v1/certificates", key: key, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let summary = try created.content.decode(CertificateAPIController.Summary.self)
            #expect(summary.status == .awaitingHolder && summary.keyAlgorithm == KeyAlgorithm.p384.rawValue && summary.method == .csr)
            let junk = try await t.callAPI(.POST, "/api/v1/certificates", key: key, json: #"{"holder":"\#(holder.username)","csr":"junk"}"#)
            #expect(junk.status == .unprocessableEntity || junk.status == .conflict)
            let list = try await t.callAPI(.GET, "/api/v1/certificates?holder=\(holder.username)", key: key)
            #expect(try list.content.decode(CertificateAPIController.Page.self).total == 2)
            let read = try await t.callAPI(.GET, "/api/v1/certificates/\(record.id!.uuidString)", key: key)
            #expect(try read.content.decode(CertificateAPIController.Summary.self).certificatePEM?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            // the own agency's operator revokes in the web UI
            let sumbar = t.browser()
            try await sumbar.signIn("op.sumbar", TestApp.password)
            let revoked = try await sumbar.post(page + "/revoke", form: ["reason": "affiliationChanged"], from: page)
            #expect(revoked.status == .seeOther)
            #expect(try await t.record(record.id).revocationReason == RevocationReason.affiliationChanged.rawValue)
            // the API answers the revoked state; revoking again is a conflict
            let again = try await t.callAPI(.POST, "/api/v1/certificates/\(record.id!.uuidString)/revoke", key: key, json: #"{"reason":"keyCompromise"}"#)
            #expect(again.status == .conflict)
            // the CRL lists it (it was published by the revocation)
            let crl = try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first()!
            #expect(crl.entries == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theCAIsCreatedOnceAndItsKeysAreSealed(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // a name that cannot go into a certificate is refused before anything is made
            for bad in [String(repeating: "R", count: 65), "BSrE\nRoot"] {
                await #expect(throws: CommandFailure.self) { try await run(t, ["ca", "init", "--root-name", bad]) }
            }
            #expect(try await CertificateAuthorityModel.query(on: t.db).count() == 0)
            // `ams ca init` with options, then a refusal the second time
            try await run(t, ["ca", "init", "--algorithm", "ecdsa-p384", "--root-name", "BSrE Root CA", "--issuing-name", "BSrE Issuing CA"])
            await #expect(throws: CommandFailure.self) { try await run(t, ["ca", "init"]) }
            let rows = try await CertificateAuthorityModel.query(on: t.db).all()
            #expect(Set(rows.map(\.role.rawValue)) == ["root", "issuing", "ocsp", "tsa"] && rows.count == 4)
            let loaded = try await t.services.caKeys.current(on: t.db)
            #expect(loaded.issuing.key.algorithm == .p384 && loaded.root.certificate.subject.description.contains("CN=BSrE Root CA"))
            // at rest: the sealed key is not the key, and another key-encryption key cannot open it
            let issuingRow = try #require(rows.first { $0.role == .issuing })
            let clearKey = loaded.issuing.key.derRepresentation
            #expect(!Array(issuingRow.sealedKey).containsSubsequence(Array(clearKey.suffix(32))))
            #expect(throws: PKIError.sealedKeyUnreadable) {
                _ = try KeyEncryptionKey.random().open(Array(issuingRow.sealedKey), label: issuingRow.label, algorithm: .p384)
            }
            // the audit log records the ceremony
            #expect(try await t.auditActions().contains("ca.initialized"))
            // invalid options are refused before anything is written
            try await TestApp.with(db) { fresh in
                await #expect(throws: CommandFailure.self) { try await run(fresh, ["ca", "init", "--algorithm", "dsa-1024"]) }
                await #expect(throws: CommandFailure.self) { try await run(fresh, ["ca", "init", "--root-days", "10", "--issuing-days", "20"]) }
                let count = try await CertificateAuthorityModel.query(on: fresh.db).count()
                #expect(count == 0)
            }
        }
    }

    @Test
    func theKeyEncryptionKeyFileIsCreatedPrivateAndReused() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let settings = CertificateSettings(keyEncryptionKeyFile: folder.path("kek/ams-ca-kek.key"))
        let first = try CAKeyEncryptionKeyLoader.load(settings)
        let attributes = try FileManager.default.attributesOfItem(atPath: settings.keyEncryptionKeyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let sealed = try first.seal(try SigningKey.generate(.p256), label: "issuing")
        let second = try CAKeyEncryptionKeyLoader.load(settings)
        #expect((try? second.open(sealed, label: "issuing", algorithm: .p256)) != nil)
        var fromEnvironment = settings
        fromEnvironment.keyEncryptionKeyValue = "too short"
        #expect(throws: ConfigurationError.self) { try CAKeyEncryptionKeyLoader.load(fromEnvironment) }
    }

    @Test(arguments: TestDatabase.all)
    func crlPublishListsEveryRevokedAndVoidSerialAcrossPages(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: more revoked rows than one page of the publisher's read, a few void intents, some issued ones
            let loaded = try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let serials = SerialNumberGenerator()
            var listed: Set<String> = []
            let statuses = Array(repeating: CertificateStatus.revoked, count: CRLPublisher.pageSize + 7)
                + Array(repeating: CertificateStatus.void, count: 3) + Array(repeating: CertificateStatus.issued, count: 5)
            for chunk in stride(from: 0, to: statuses.count, by: 500) {
                let insert = t.sql.insert(into: CertificateModel.schema)
                    .columns("id", "holder_id", "agency_id", "status", "method", "version", "subject", "email", "key_algorithm",
                             "public_key", "serial_hex", "issuer_ca_id", "requested_at", "issuing_started_at", "revoked_at",
                             "revocation_reason", "reminder_stage", "updated_at")
                for status in statuses[chunk..<min(chunk + 500, statuses.count)] {
                    let serial = serials.next().hexString
                    if status != .issued { listed.insert(serial.uppercased()) }
                    let now = t.clock.now
                    insert.values([
                        SQLBind(UUID()), SQLBind(holder.id!), SQLBind(agency.id!), SQLBind(status.rawValue), SQLBind(CertificateMethod.csr.rawValue),
                        SQLBind(1), SQLBind("CN=x"), SQLBind(holder.email), SQLBind(KeyAlgorithm.p256.rawValue), SQLBind(Data([0x30, 0x00])),
                        SQLBind(serial), SQLBind(loaded.issuingID), SQLBind(now), SQLBind(now),
                        SQLBind(status == .revoked ? now : nil as Date?), SQLBind(status == .revoked ? 1 : nil as Int?), SQLBind(0), SQLBind(now),
                    ] as [any SQLExpression])
                }
                try await insert.run()
            }
            let before = try #require(try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first())
            // act
            try await run(t, ["crl", "publish"])
            // check: a higher number, every revoked and void serial once, no issued one; openssl verifies the signature
            let state = try #require(try await CRLStateModel.query(on: t.db).filter(\.$authority.$id == loaded.issuingID).first())
            #expect(state.number > before.number && state.entries == listed.count)
            let checked = try PKIOracle.verifyCRL(der: Array(state.der), issuerPEM: PEM.encode(loaded.issuing.der, label: "CERTIFICATE"))
            #expect(checked.ok, "\(checked.text.prefix(400))")
            let shown = checked.text.split(separator: "\n").compactMap { line -> String? in
                let text = line.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("Serial Number: ") ? String(text.dropFirst("Serial Number: ".count)) : nil
            }
            #expect(shown.count == listed.count)
            #expect(Set(shown.map { String($0.drop { $0 == "0" }) }) == Set(listed.map { String($0.drop { $0 == "0" }) }))
            #expect(try await t.auditActions().filter { $0 == "crl.generated" }.count >= 2)
        }
    }

    private func run(_ t: TestApp, _ arguments: [String]) async throws {
        let console = Terminal()
        let input = CommandInput(arguments: ["ams"] + arguments)
        var context = CommandContext(console: console, input: input)
        context.application = t.app
        try await console.run(t.app.asyncCommands.group(), with: context)
    }
}

extension Array where Element: Equatable {
    func containsSubsequence(_ part: [Element]) -> Bool {
        guard !part.isEmpty, part.count <= count else { return part.isEmpty }
        return (0...(count - part.count)).contains { Array(self[$0..<($0 + part.count)]) == part }
    }
}
