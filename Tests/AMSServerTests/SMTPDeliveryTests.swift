@testable import AMSServer
import AMSCore
import Fluent
import NIOPosix
import Testing
import Vapor

/// Delivery through a real SMTP server (aiosmtpd). Serialized: each test owns its server process.
@Suite("Mail delivery over SMTP", .serialized)
struct SMTPDeliveryTests {
    private func settings(_ server: SMTPTestServer, security: SMTPSettings.Security = .none,
                          username: String? = nil, password: String? = nil) -> SMTPSettings {
        SMTPSettings(host: security == .none ? "127.0.0.1" : "localhost", port: server.port, security: security,
                     username: username, password: password, senderAddress: "no-reply@ams.test.go.id", senderName: "AMS",
                     trustRootsFile: server.certificate?.certificate.path, timeoutSeconds: 5)
    }

    private func queueInitialPasswordMail(_ t: TestApp) async throws -> String {
        let account = try await AccountService(services: t.services, database: t.db).createAccount(
            .init(username: "rudi", email: "rudi@bssn.go.id", fullName: "Rudi Hartono", nik: "3171011203850004", role: "ca_operator"), context: .system())
        return try #require(try await t.initialPassword(for: account.email))
    }

    @Test(arguments: TestDatabase.all)
    func initialPasswordArrivesByPlainSMTPAndTheBodyIsErased(db: TestDatabase) async throws {
        // setup: the suite's SMTP server (shared, so mail is picked out by its Message-ID)
        let server = try SMTPTestServer.suiteServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server), group: MultiThreadedEventLoopGroup.singleton)
        try await TestApp.with(db, mailTransport: transport) { t in
            let password = try await queueInitialPasswordMail(t)
            let messageID = try #require(try await OutboxMessageModel.query(on: t.db).first()).messageID
            // act
            let report = try #require(try await t.app.outboxDeliverer?.deliverDue(on: t.db))
            // check
            #expect(report.sent == 1)
            func ours() throws -> [SMTPTestServer.ReceivedMail] { try server.received().filter { $0.headers["message-id"] == "<\(messageID)>" } }
            let mails = try ours()
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.headers["to"] == "<rudi@bssn.go.id>")
            #expect(mail.body.contains("Nama pengguna: rudi"))
            #expect(mail.body.contains("Kata sandi awal: \(password)"))
            #expect(mail.headers["message-id"]?.hasSuffix("@ams.test.go.id>") == true)
            let row = try #require(try await OutboxMessageModel.query(on: t.db).first())
            #expect(row.status == .sent && row.sealedBody == nil && row.sentAt != nil)
            #expect(try await t.auditActions().contains("mail.sent"))
            // a second pass sends nothing again
            #expect(try await t.app.outboxDeliverer?.deliverDue(on: t.db).sent == 0)
            #expect(try ours().count == 1)
        }
    }

    @Test func starttlsWithAuthenticationDelivers() async throws {
        let server = try SMTPTestServer(mode: .starttls, credentials: ("ams", "relay secret"))
        try server.start()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server, security: .starttls, username: "ams", password: "relay secret"),
                                      group: MultiThreadedEventLoopGroup.singleton)
        try await transport.send(OutgoingMail(message: MailMessage(recipient: "a@bssn.go.id", subject: "Uji STARTTLS", body: "isi", template: "t"),
                                              messageID: "starttls@ams", date: Date()))
        let mails = try server.received()
        #expect(mails.count == 1)
        #expect(mails.first?.body == "isi")
    }

    @Test func implicitTLSWithAuthenticationDelivers() async throws {
        let server = try SMTPTestServer(mode: .implicitTLS, credentials: ("ams", "relay secret"))
        try server.start()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server, security: .tls, username: "ams", password: "relay secret"),
                                      group: MultiThreadedEventLoopGroup.singleton)
        try await transport.send(OutgoingMail(message: MailMessage(recipient: "a@bssn.go.id", subject: "Uji TLS", body: "isi", template: "t"),
                                              messageID: "tls@ams", date: Date()))
        #expect(try server.received().count == 1)
    }

    @Test func wrongCredentialsArePermanentFailures() async throws {
        let server = try SMTPTestServer(mode: .starttls, credentials: ("ams", "relay secret"))
        try server.start()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server, security: .starttls, username: "ams", password: "wrong"),
                                      group: MultiThreadedEventLoopGroup.singleton)
        await #expect {
            try await transport.send(OutgoingMail(message: MailMessage(recipient: "a@bssn.go.id", subject: "s", body: "b", template: "t"),
                                                  messageID: "auth@ams", date: Date()))
        } throws: { error in
            (error as? MailTransportError)?.isPermanent == true
        }
        #expect(try server.received().isEmpty)
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        // a relay that is not on this machine, reached without TLS: refused before any connection is made
        let plain = SMTPSettings(host: "relay.ams.invalid", port: 25, security: .none, username: "ams", password: "relay secret",
                                 senderAddress: "no-reply@ams.test.go.id", timeoutSeconds: 5)
        let transport = SMTPTransport(settings: plain, group: MultiThreadedEventLoopGroup.singleton)
        await #expect {
            try await transport.send(OutgoingMail(message: MailMessage(recipient: "a@bssn.go.id", subject: "s", body: "b", template: "t"),
                                                  messageID: "plain@ams", date: Date()))
        } throws: { error in
            guard let error = error as? MailTransportError else { return false }
            return error.isPermanent && error.description.contains("without TLS")
        }
    }

    @Test func starttlsIsRequiredNotOpportunistic() async throws {
        let server = try SMTPTestServer()  // offers no STARTTLS
        try server.start()
        defer { server.stop() }
        var required = settings(server, security: .starttls)
        required.host = "127.0.0.1"
        let transport = SMTPTransport(settings: required, group: MultiThreadedEventLoopGroup.singleton)
        await #expect {
            try await transport.send(OutgoingMail(message: MailMessage(recipient: "a@bssn.go.id", subject: "s", body: "b", template: "t"),
                                                  messageID: "nostarttls@ams", date: Date()))
        } throws: { error in
            (error as? MailTransportError)?.description.contains("STARTTLS") == true
        }
        #expect(try server.received().isEmpty)
    }

    @Test(arguments: TestDatabase.all)
    func serverDownThenUpDeliversExactlyOnce(db: TestDatabase) async throws {
        // setup: nothing listens on the port yet
        let server = try SMTPTestServer()
        let transport = SMTPTransport(settings: settings(server), group: MultiThreadedEventLoopGroup.singleton)
        try await TestApp.with(db, mailTransport: transport) { t in
            _ = try await queueInitialPasswordMail(t)
            let deliverer = try #require(t.app.outboxDeliverer)
            // act: two passes while the server is down
            #expect(try await deliverer.deliverDue(on: t.db).retried == 1)
            var row = try #require(try await OutboxMessageModel.query(on: t.db).first())
            #expect(row.status == .pending && row.attempts == 1 && row.lastError?.contains("cannot connect") == true)
            #expect(try await deliverer.deliverDue(on: t.db) == .init())  // backing off: not due yet
            t.clock.advance(by: OutboxDeliverer.backoff(afterAttempt: 1))
            #expect(try await deliverer.deliverDue(on: t.db).retried == 1)
            // the server comes up
            try server.start()
            defer { server.stop() }
            t.clock.advance(by: OutboxDeliverer.backoff(afterAttempt: 2))
            let report = try await deliverer.deliverDue(on: t.db)
            t.clock.advance(by: 3600)
            let after = try await deliverer.deliverDue(on: t.db)
            // check
            #expect(report.sent == 1 && after == .init())
            #expect(try server.received().count == 1)
            row = try #require(try await OutboxMessageModel.query(on: t.db).first())
            #expect(row.status == .sent && row.attempts == 3)
        }
    }

    @Test(arguments: TestDatabase.all)
    func twoWorkersNeverSendTheSameMessage(db: TestDatabase) async throws {
        let server = try SMTPTestServer()
        try server.start()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server), group: MultiThreadedEventLoopGroup.singleton)
        try await TestApp.with(db, mailTransport: transport) { t in
            for index in 0..<6 {
                try await t.services.outbox.enqueue(MailMessage(recipient: "r\(index)@bssn.go.id", subject: "s\(index)", body: "b", template: "t"),
                                                    context: .system(), on: t.db)
            }
            let deliverer = try #require(t.app.outboxDeliverer)
            let database = t.db
            async let first = deliverer.deliverDue(on: database)
            async let second = deliverer.deliverDue(on: database)
            let (a, b) = try await (first, second)
            #expect(a.sent + b.sent == 6)
            #expect(try server.received().count == 6)
        }
    }
}

import Foundation
