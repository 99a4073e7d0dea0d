import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// OCSP responses per second over HTTP on loopback: AMS's responder against `openssl ocsp -port` answering from an
/// index of the same certificates, both loaded by ApacheBench (`ab`, a new connection per request, as openssl's HTTP/1.0 responder closes each) with the same concurrency and duration
/// (`wrk` cannot talk to openssl's HTTP/1.0 responder). Two request kinds:
/// GET without a nonce (AMS may answer from its cache of signed responses) and POST with a nonce (signed afresh).
struct OCSPBenchmark {
    struct Result: Sendable {
        let certificates: Int
        let seconds: Int
        let connections: Int
        let amsGet: Double
        let amsPostNonce: Double
        let opensslGet: Double
        let opensslPostNonce: Double
    }

    let fixture: BenchFixture
    let seconds: Int
    let connections: Int

    func run() async throws -> Result {
        guard BenchProcess.isInstalled("ab") else { throw BenchFailure("ab is not installed (scripts/bench installs apache2-utils)") }
        let app = fixture.app
        let folder = fixture.folder
        let certificates = try await CertificateModel.query(on: app.db).filter(\.$status ~~ [.issued, .revoked]).all()
        guard let sample = certificates.first(where: { $0.status == .issued }), let sampleDER = sample.certificateDER else {
            throw BenchFailure("no issued certificate to ask about")
        }
        let issuingPath = try fixture.writePEM("issuing.pem", der: fixture.loaded.issuing.der, label: "CERTIFICATE")
        let leafPath = try fixture.writePEM("leaf.pem", der: Array(sampleDER), label: "CERTIFICATE")
        try BenchProcess.run(["openssl", "ocsp", "-issuer", issuingPath, "-cert", leafPath, "-no_nonce", "-reqout", folder + "/plain.der"])
        try BenchProcess.run(["openssl", "ocsp", "-issuer", issuingPath, "-cert", leafPath, "-reqout", folder + "/nonce.der"])
        let plain = try Data(contentsOf: URL(fileURLWithPath: folder + "/plain.der"))
        let getPath = "/" + (plain.base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        // AMS
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let amsPort = app.http.server.shared.localAddress?.port else { throw BenchFailure("no AMS port") }
        let amsBase = "http://127.0.0.1:\(amsPort)/pki/ocsp"
        _ = try await BenchProcess.runDetached(["curl", "-s", "-o", folder + "/ams.resp", amsBase + getPath])
        try check(response: folder + "/ams.resp", issuing: issuingPath, leaf: leafPath)
        let amsGet = try await load(amsBase + getPath)
        let amsPost = try await load(amsBase, post: folder + "/nonce.der")
        await app.server.shutdown()
        // openssl ocsp -port, answering from an index of the same certificates
        var index = ""
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMddHHmmss'Z'"
        for record in certificates {
            let expiry = formatter.string(from: record.notAfter ?? Date())
            let serial = (record.serialHex ?? "").uppercased()
            if record.status == .revoked {
                index += "R\t\(expiry)\t\(formatter.string(from: record.revokedAt ?? Date())),keyCompromise\t\(serial)\tunknown\t/CN=\(serial)\n"
            } else {
                index += "V\t\(expiry)\t\t\(serial)\tunknown\t/CN=\(serial)\n"
            }
        }
        try index.write(toFile: folder + "/index.txt", atomically: true, encoding: .utf8)
        let responderPath = try fixture.writePEM("responder.pem", der: fixture.loaded.responder.der, label: "CERTIFICATE")
        let responderKey = try fixture.writePEM("responder.key", der: fixture.loaded.responder.key.derRepresentation, label: "PRIVATE KEY")
        let port = amsPort + 1
        let responder = try BenchProcess.start(["openssl", "ocsp", "-index", folder + "/index.txt", "-port", String(port),
                                                "-rsigner", responderPath, "-rkey", responderKey, "-CA", issuingPath, "-nmin", "60",
                                                "-ignore_err"], directory: folder, log: folder + "/openssl-ocsp.log")
        defer { kill(responder.processIdentifier, SIGKILL) }
        let opensslBase = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<50 {
            if ready { break }
            try await Task.sleep(nanoseconds: 100_000_000)
            ready = ((try? await BenchProcess.runDetached(["curl", "-s", "-o", folder + "/openssl.resp", "-w", "%{http_code}", opensslBase + getPath])) ?? "") == "200"
        }
        guard ready else {
            let log = (try? String(contentsOfFile: folder + "/openssl-ocsp.log", encoding: .utf8)) ?? ""
            throw BenchFailure("openssl ocsp did not start: \(log.prefix(600))")
        }
        try check(response: folder + "/openssl.resp", issuing: issuingPath, leaf: leafPath)
        let opensslGet = try await load(opensslBase + getPath)
        let opensslPost = try await load(opensslBase + "/", post: folder + "/nonce.der")
        return Result(certificates: certificates.count, seconds: seconds, connections: connections, amsGet: amsGet, amsPostNonce: amsPost,
                      opensslGet: opensslGet, opensslPostNonce: opensslPost)
    }

    /// Both responders must say `good` for the sample, or the comparison means nothing.
    private func check(response: String, issuing: String, leaf: String) throws {
        let text = try BenchProcess.run(["openssl", "ocsp", "-respin", response, "-issuer", issuing, "-cert", leaf, "-noverify"])
        guard text.contains(": good") else { throw BenchFailure("a responder did not answer good: \(text.prefix(300))") }
    }

    /// Requests per second under `ab` for `seconds`; refuses results with connection errors or non-2xx answers
    /// (responses of different lengths are expected: every signature differs).
    private func load(_ url: String, post: String? = nil) async throws -> Double {
        var arguments = ["ab", "-q", "-c", String(connections), "-t", String(seconds), "-n", "10000000"]
        if let post { arguments += ["-p", post, "-T", "application/ocsp-request"] }
        let output = try await BenchProcess.runDetached(arguments + ["-s", "5", url])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests per second:") }),
              let value = Double(line.split(separator: " ").dropFirst(3).first ?? "") else { throw BenchFailure("ab said: \(output.suffix(600))") }
        if output.contains("Non-2xx") { throw BenchFailure("non-2xx answers under load: \(output.suffix(600))") }
        if let failures = output.split(separator: "\n").first(where: { $0.contains("(Connect:") }),
           !failures.contains("Connect: 0, Receive: 0") || failures.contains("Exceptions: 1") {
            throw BenchFailure("connection failures under load: \(failures)")
        }
        return value
    }
}
