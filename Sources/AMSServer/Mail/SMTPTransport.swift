import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// An SMTP client on SwiftNIO: plain, STARTTLS or implicit TLS; AUTH PLAIN or LOGIN; one message per connection.
/// Credentials are only ever sent over TLS or to a loopback server.
struct SMTPTransport: MailTransport {
    let settings: SMTPSettings
    let group: any EventLoopGroup

    func send(_ mail: OutgoingMail) async throws {
        if settings.username != nil, settings.security == .none, !Self.isLoopback(settings.host) {
            throw MailTransportError(description: "refusing to send SMTP credentials without TLS", isPermanent: true)
        }
        let tlsContext = try makeTLSContext()
        let host = settings.host
        let implicitTLS = settings.security == .tls
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(settings.timeoutSeconds))
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await bootstrap.connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tlsContext {
                        let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: Self.sniName(host))
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw MailTransportError(description: "cannot connect to \(settings.host):\(settings.port): \(error)", isPermanent: false)
        }
        // The whole conversation has a deadline: a silent server cannot hold the worker forever.
        let deadline = channel.channel.eventLoop.scheduleTask(in: .seconds(settings.timeoutSeconds * 3)) {
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            var conversation = SMTPConversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await run(&conversation, mail: mail, rawChannel: channel.channel, tlsContext: tlsContext)
        }
    }

    private func run(_ smtp: inout SMTPConversation, mail: OutgoingMail, rawChannel: any Channel,
                     tlsContext: NIOSSLContext?) async throws {
        try await smtp.expect(220, after: nil)
        var capabilities = try await smtp.command("EHLO \(settings.heloName)", expect: 250)
        var encrypted = settings.security == .tls
        if settings.security == .starttls {
            guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw MailTransportError(description: "server does not offer STARTTLS", isPermanent: false)
            }
            _ = try await smtp.command("STARTTLS", expect: 220)
            guard let tlsContext else { throw MailTransportError(description: "no TLS context", isPermanent: true) }
            let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: Self.sniName(settings.host))
            try await rawChannel.pipeline.addHandler(handler, position: .first).get()
            encrypted = true
            capabilities = try await smtp.command("EHLO \(settings.heloName)", expect: 250)
        }
        if let username = settings.username, let password = settings.password {
            precondition(encrypted || Self.isLoopback(settings.host), "checked before connecting")
            let authLine = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
            if authLine.contains("PLAIN") {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                _ = try await smtp.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN ***")
            } else if authLine.contains("LOGIN") {
                _ = try await smtp.command("AUTH LOGIN", expect: 334)
                _ = try await smtp.command(Data(username.utf8).base64EncodedString(), expect: 334, redacted: "***")
                _ = try await smtp.command(Data(password.utf8).base64EncodedString(), expect: 235, redacted: "***")
            } else {
                throw MailTransportError(description: "server offers neither AUTH PLAIN nor AUTH LOGIN", isPermanent: false)
            }
        }
        _ = try await smtp.command("MAIL FROM:<\(settings.senderAddress)>", expect: 250)
        _ = try await smtp.command("RCPT TO:<\(mail.message.recipient)>", expect: 250, alsoAccept: [251])
        _ = try await smtp.command("DATA", expect: 354)
        let body = MailFormatter.render(mail, senderAddress: settings.senderAddress, senderName: settings.senderName)
        _ = try await smtp.command(body + ".", expect: 250, redacted: "<message>")
        _ = try? await smtp.command("QUIT", expect: 221)
    }

    private func makeTLSContext() throws -> NIOSSLContext? {
        guard settings.security != .none else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let file = settings.trustRootsFile {
            configuration.trustRoots = .file(file)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func sniName(_ host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// The line-level exchange of one SMTP session.
struct SMTPConversation {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending = ""

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends a line and reads the reply; returns the reply's text lines (for EHLO, the capabilities).
    mutating func command(_ line: String, expect code: Int, alsoAccept: [Int] = [], redacted: String? = nil) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await expect(code, alsoAccept: alsoAccept, after: redacted ?? line)
    }

    @discardableResult
    mutating func expect(_ code: Int, alsoAccept: [Int] = [], after sent: String?) async throws -> [String] {
        var texts: [String] = []
        while true {
            let line = try await readLine()
            guard line.count >= 3, let replyCode = Int(line.prefix(3)) else {
                throw MailTransportError(description: "malformed SMTP reply", isPermanent: false)
            }
            texts.append(String(line.dropFirst(4)))
            let more = line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-"
            if more { continue }
            guard replyCode == code || alsoAccept.contains(replyCode) else {
                let what = sent.map { " to \($0.split(separator: " ").first ?? "")" } ?? ""
                throw MailTransportError(description: "SMTP server replied \(replyCode)\(what): \(texts.last ?? "")",
                                         isPermanent: (500...599).contains(replyCode))
            }
            return texts
        }
    }

    private mutating func readLine() async throws -> String {
        while true {
            if let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                return line
            }
            guard var buffer = try await inbound.next() else {
                throw MailTransportError(description: "SMTP server closed the connection", isPermanent: false)
            }
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            if pending.count > 64 * 1024 { throw MailTransportError(description: "SMTP reply too long", isPermanent: false) }
        }
    }
}
