import Foundation
import Testing

/// A real SMTP server (aiosmtpd, `scripts/smtp-test-server.py`) in a child process, storing mail in a Maildir.
final class SMTPTestServer: @unchecked Sendable {
    struct ReceivedMail {
        let headers: [String: String]
        let body: String
    }

    enum Mode { case plain, starttls, implicitTLS }

    let port: Int
    let maildir: URL
    let mode: Mode
    let credentials: (user: String, password: String)?
    let certificate: TLSFiles?
    private var process: Process?
    /// False for the server `scripts/test` runs for the whole suite: it is neither started nor stopped here.
    private let owned: Bool

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    init(port: Int? = nil, mode: Mode = .plain, credentials: (user: String, password: String)? = nil) throws {
        self.port = try port ?? Self.freePort()
        self.mode = mode
        self.credentials = credentials
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("ams-maildir-\(UUID().uuidString)")
        certificate = mode == .plain ? nil : try TLSFiles.selfSigned(commonName: "localhost")
        owned = true
    }

    private init(attachingTo port: Int, maildir: URL) {
        self.port = port
        self.maildir = maildir
        mode = .plain
        credentials = nil
        certificate = nil
        owned = false
    }

    /// The plain SMTP server `scripts/test` started for the suite (`AMS_TEST_SMTP_PORT`, `AMS_TEST_MAILDIR`), or a new
    /// one of our own when the suite runs without it.
    static func suiteServer() throws -> SMTPTestServer {
        let env = ProcessInfo.processInfo.environment
        if let port = env["AMS_TEST_SMTP_PORT"].flatMap(Int.init), let maildir = env["AMS_TEST_MAILDIR"] {
            return SMTPTestServer(attachingTo: port, maildir: URL(fileURLWithPath: maildir))
        }
        let server = try SMTPTestServer()
        try server.start()
        return server
    }

    deinit {
        stop()
        if owned { try? FileManager.default.removeItem(at: maildir) }
    }

    func start() throws {
        guard owned else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", Self.repositoryRoot.appendingPathComponent("scripts/smtp-test-server.py").path,
                         "--port", String(port), "--maildir", maildir.path]
        if let certificate { arguments += ["--cert", certificate.certificate.path, "--key", certificate.key.path] }
        if mode == .starttls { arguments.append("--starttls") }
        if mode == .implicitTLS { arguments.append("--implicit-tls") }
        if let credentials { arguments += ["--auth", "\(credentials.user):\(credentials.password)"] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Wait until it accepts connections (bounded).
        for _ in 0..<100 {
            if Self.canConnect(port: port) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("SMTP test server did not start on port \(port)")
    }

    /// Stops the server: SIGTERM, then SIGKILL if it lingers (bounded; `waitUntilExit` can hang in async tests).
    func stop() {
        guard owned, let process else { return }
        self.process = nil
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(pid, SIGKILL) }
        for _ in 0..<20 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
    }

    /// Every message the server accepted.
    func received() throws -> [ReceivedMail] {
        let folder = maildir.appendingPathComponent("new")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return try names.sorted().map { try Self.parse(String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func parse(_ raw: String) throws -> ReceivedMail {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = text.range(of: "\n\n") else { throw TestFailure("message without a body") }
        var headers: [String: String] = [:]
        for line in text[..<split.lowerBound].split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon]).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let encoded = text[split.upperBound...].replacingOccurrences(of: "\n", with: "")
        guard let data = Data(base64Encoded: encoded) else { throw TestFailure("body is not base64") }
        return ReceivedMail(headers: headers, body: String(decoding: data, as: UTF8.self))
    }

    static func freePort() throws -> Int {
        let output = try run(["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestFailure("no free port") }
        return port
    }

    static func canConnect(port: Int) -> Bool {
        (try? run(["python3", "-c", "import socket; socket.create_connection(('127.0.0.1', \(port)), 0.2)"])) != nil
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("\(arguments.first ?? "") exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A self-signed certificate and key made by openssl for a TLS test server.
struct TLSFiles {
    let certificate: URL
    let key: URL

    static func selfSigned(commonName: String) throws -> TLSFiles {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ams-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = TLSFiles(certificate: folder.appendingPathComponent("cert.pem"), key: folder.appendingPathComponent("key.pem"))
        try SMTPTestServer.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                "-keyout", files.key.path, "-out", files.certificate.path, "-days", "2",
                                "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:\(commonName)"])
        return files
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
