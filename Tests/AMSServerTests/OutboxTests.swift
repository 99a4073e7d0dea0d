@testable import AMSServer
import AMSCore
import Fluent
import SQLKit
import Testing
import VaporTesting

private struct Boom: Error {}

@Suite("The mail outbox")
struct OutboxTests {
    @Test(arguments: TestDatabase.all)
    func queuedMailIsSealedAtRestAndReadableByAdministrators(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("admin", role: .administrator)
            try await t.user("ani", role: .auditor)
            let account = try await AccountService(services: t.services, database: t.db).createAccount(
                .init(username: "rudi", email: "rudi@bssn.go.id", fullName: "Rudi Hartono", nik: "3171011203850004", role: "ca_operator"), context: .system())
            let password = try #require(try await t.initialPassword(for: account.email))
            // check: nothing in the table holds the password in clear
            let rows = try await t.sql.raw("SELECT * FROM outbox_messages").all()
            #expect(rows.count == 1)
            for column in ["recipient", "subject", "template", "sealed_body", "message_id"] {
                #expect(try !rows[0].decode(column: column, as: String.self).contains(password))
            }
            // the administrator's outbox shows it; the auditor may not look
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let list = try await admin.get("/admin/outbox")
            #expect(list.body.string.contains("rudi@bssn.go.id"))
            #expect(list.body.string.contains("SMTP belum dikonfigurasi"))
            let row = try #require(try await OutboxMessageModel.query(on: t.db).first())
            let detail = try await admin.get("/admin/outbox/\(row.id!.uuidString)")
            #expect(detail.body.string.contains(password))
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            #expect(try await auditor.get("/admin/outbox/\(row.id!.uuidString)").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func mailIsQueuedInTheSameTransactionAsTheChange(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a failure inside the transaction after the mail was queued
            var failed = false
            do {
                try await WriteTransaction.run(on: t.db) { db in
                    try await t.services.outbox.enqueue(MailMessage(recipient: "x@bssn.go.id", subject: "s", body: "b", template: "t"),
                                                        context: .system(), on: db)
                    throw Boom()
                }
            } catch is Boom {
                failed = true
            }
            #expect(failed)
            // check: neither the mail nor its audit entry survived
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
            #expect(try await AuditEntryModel.query(on: t.db).count() == 0)
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
        }
    }

    @Test func sealedBodiesAreBoundToTheirMessage() throws {
        let sealer = MailSealer(key: .init(size: .bits256))
        let message = MailMessage(recipient: "a@b.go.id", subject: "s", body: "Kata sandi awal: Hj7kP2mQ", template: "initial_password")
        let sealed = try sealer.seal(message, messageID: "one@ams")
        let opened = try sealer.open(sealed, messageID: "one@ams")
        #expect(opened == message)
        #expect(!sealed.contains("Hj7kP2mQ"))
        let otherSealer = MailSealer(key: SymmetricKey(size: .bits256))
        #expect((try? sealer.open(sealed, messageID: "two@ams")) == nil)
        #expect((try? otherSealer.open(sealed, messageID: "one@ams")) == nil)
    }

    @Test func sealedBodiesOpenToTheSameMessageWhateverTheirText() throws {
        // the body is written as JSON without JSONEncoder: quotes, backslashes, line breaks, control characters,
        // non-ASCII and text that looks like JSON must all come back as they went in
        let sealer = MailSealer(key: .init(size: .bits256))
        let tricky = "Yth. \"Siti\" \\ C:\\arsip\nbaris 2\r\n\ttab \u{0}\u{1F}\u{7F} Müller – 日本 😀 \u{2028} {\"body\":\"x\"} </script>"
        for message in [MailMessage(recipient: "a@b.go.id", subject: tricky, body: tricky, template: "t\"x"),
                        MailMessage(recipient: "", subject: "", body: "", template: "")] {
            let sealed = try sealer.seal(message, messageID: "m@ams")
            #expect(try sealer.open(sealed, messageID: "m@ams") == message)
        }
    }

    @Test func renderedMailIsBase64WithEncodedSubject() throws {
        let mail = OutgoingMail(message: MailMessage(recipient: "a@b.go.id", subject: "Akun AMS Anda — baru",
                                                     body: ".\nbaris diawali titik\n", template: "t"),
                                messageID: "id@ams", date: Date(timeIntervalSince1970: 0))
        let text = MailFormatter.render(mail, senderAddress: "no-reply@ams.go.id", senderName: "AMS")
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(text.contains("Message-ID: <id@ams>"))
        let body = text.components(separatedBy: "\r\n\r\n")[1]
        #expect(body.split(separator: "\r\n").allSatisfy { $0.count <= 76 && !$0.hasPrefix(".") })
        #expect(String(decoding: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))!, as: UTF8.self) == ".\nbaris diawali titik\n")
    }
}

import Crypto
import Foundation
