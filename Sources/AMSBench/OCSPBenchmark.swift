import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// OCSP responses per second over HTTP on loopback: AMS's responder (`ams serve` on the same database) against `openssl ocsp -port` answering from an
/// index of the same certificates, both loaded by ApacheBench (`ab`, a new connection per request, as openssl's HTTP/1.0 responder closes each) with the same concurrency and duration
/// (`wrk` cannot talk to openssl's HTTP/1.0 responder). Two request kinds:
/// GET without a nonce (AMS may answer from its cache of signed responses) and POST with a nonce (signed afresh).
/// Beside them, the same server's liveness probe (`/health/live`, fixed bytes answered before any middleware): what
/// HTTP alone costs, on new and on kept-alive connections. The goals' pairs (the own address against openssl on new
/// connections; OCSP against the fixed route of the same listener, kept alive) are measured in turn for `rounds` rounds.
struct OCSPBenchmark {
    struct Result: Sendable {
        let engine: String
        let certificates: Int
        let seconds: Int
        let connections: Int
        let rounds: Int
        /// GET on the main address (Vapor's server), new connections.
        let amsGet: Double
        let amsPostNonce: Double
        /// nil: the responder stopped answering during the run.
        let opensslPostNonce: Double?
        let fixedNew: Double
        /// GET on the responder's own address (`AMS_OCSP_LISTEN`, a bare HTTP/1.1 server) against openssl's GET, new connections.
        let ownAgainstOpenssl: PairedRates
        /// GET against `/health/live`, kept alive: on the own address, and on the main address.
        let ownKeptAlive: PairedRates
        let mainKeptAlive: PairedRates
    }

    let fixture: BenchFixture
    let seconds: Int
    let connections: Int
    let rounds: Int

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
        // AMS: `ams serve` as its own process on the fixture's database, as in production
        let amsPort = try Self.freePort(), ownPort = try Self.freePort()
        let server = try BenchProcess.start(fixture.amsCommand(["serve"], extraEnvironment: ["AMS_LISTEN=127.0.0.1:\(amsPort)",
                                                                                            "AMS_OCSP_LISTEN=127.0.0.1:\(ownPort)"]),
                                            log: folder + "/ams-serve.log")
        defer { if server.isRunning { BenchProcess.stop(server) } }
        let amsBase = "http://127.0.0.1:\(amsPort)/pki/ocsp"
        guard try await waitUntilAnswering(amsBase + getPath, saveTo: folder + "/ams.resp") else {
            let log = (try? String(contentsOfFile: folder + "/ams-serve.log", encoding: .utf8)) ?? ""
            throw BenchFailure("ams serve did not start: \(log.suffix(600))")
        }
        try check(response: folder + "/ams.resp", issuing: issuingPath, leaf: leafPath)
        let ownURL = "http://127.0.0.1:\(ownPort)/pki/ocsp" + getPath
        guard try await waitUntilAnswering(ownURL, saveTo: folder + "/own.resp") else { throw BenchFailure("the OCSP listener did not answer") }
        try check(response: folder + "/own.resp", issuing: issuingPath, leaf: leafPath)
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
        // started for each of its measurements and stopped after it: loaded once, its processes go on using the
        // cores for a while, which would be taken from AMS's next measurement
        func opensslRate(_ path: String, post: String? = nil) async throws -> Double? {
            let port = try Self.freePort()
            let responder = try BenchProcess.start(["openssl", "ocsp", "-index", folder + "/index.txt", "-port", String(port),
                                                    "-rsigner", responderPath, "-rkey", responderKey, "-CA", issuingPath, "-nmin", "60",
                                                    "-ignore_err", "-multi", "2", "-timeout", "5"], directory: folder,
                                                   log: folder + "/openssl-ocsp.log")
            defer { BenchProcess.stop(responder) }
            let base = "http://127.0.0.1:\(port)"
            guard try await waitUntilAnswering(base + getPath, saveTo: folder + "/openssl.resp") else {
                let log = (try? String(contentsOfFile: folder + "/openssl-ocsp.log", encoding: .utf8)) ?? ""
                throw BenchFailure("openssl ocsp did not start: \(log.prefix(600))")
            }
            try check(response: folder + "/openssl.resp", issuing: issuingPath, leaf: leafPath)
            // openssl's responder sometimes stops answering a POST under load (ab then gives up after 30 s): such a
            // run is reported as stalled rather than ending the benchmark.
            return try? await load(base + path, post: post)
        }
        let mainLive = "http://127.0.0.1:\(amsPort)/health/live", ownLive = "http://127.0.0.1:\(ownPort)/health/live"
        let amsGet = try await load(amsBase + getPath)
        let amsPost = try await load(amsBase, post: folder + "/nonce.der")
        let fixedNew = try await load(mainLive)
        let opensslPost = try await opensslRate("/", post: folder + "/nonce.der")
        var ownAgainstOpenssl = PairedRates(), ownKeptAlive = PairedRates(), mainKeptAlive = PairedRates()
        for _ in 0..<rounds {
            let ownNew = try await load(ownURL), opensslNew = try await opensslRate(getPath)
            ownAgainstOpenssl.add(ownNew, against: opensslNew)
            let ownGet = try await load(ownURL, keepAlive: true), ownFixed = try await load(ownLive, keepAlive: true)
            ownKeptAlive.add(ownGet, against: ownFixed)
            let mainGet = try await load(amsBase + getPath, keepAlive: true), mainFixed = try await load(mainLive, keepAlive: true)
            mainKeptAlive.add(mainGet, against: mainFixed)
        }
        BenchProcess.stop(server)
        return Result(engine: fixture.engine, certificates: certificates.count, seconds: seconds, connections: connections, rounds: rounds,
                      amsGet: amsGet, amsPostNonce: amsPost, opensslPostNonce: opensslPost, fixedNew: fixedNew,
                      ownAgainstOpenssl: ownAgainstOpenssl, ownKeptAlive: ownKeptAlive, mainKeptAlive: mainKeptAlive)
    }

    /// Polls `url` for up to ten seconds until it answers 200 (the body saved to `saveTo`).
    private func waitUntilAnswering(_ url: String, saveTo: String) async throws -> Bool {
        for _ in 0..<100 {
            if (try? await BenchProcess.runDetached(["curl", "-s", "-o", saveTo, "-w", "%{http_code}", url])) == "200" { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    static func freePort() throws -> Int {
        let output = try BenchProcess.run(["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw BenchFailure("no free port") }
        return port
    }

    /// Both responders must say `good` for the sample, or the comparison means nothing.
    private func check(response: String, issuing: String, leaf: String) throws {
        let text = try BenchProcess.run(["openssl", "ocsp", "-respin", response, "-issuer", issuing, "-cert", leaf, "-noverify"])
        guard text.contains(": good") else { throw BenchFailure("a responder did not answer good: \(text.prefix(300))") }
    }

    /// Requests per second under `ab` for `seconds`; refuses results with connection errors or non-2xx answers
    /// (responses of different lengths are expected: every signature differs).
    private func load(_ url: String, post: String? = nil, keepAlive: Bool = false) async throws -> Double {
        var arguments = ["ab", "-q"] + (keepAlive ? ["-k"] : []) + ["-c", String(connections), "-t", String(seconds), "-n", "10000000"]
        if let post { arguments += ["-p", post, "-T", "application/ocsp-request"] }
        let output = try await BenchProcess.runDetached(arguments + ["-s", "30", url])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests per second:") }),
              let value = Double(line.split(separator: " ").dropFirst(3).first ?? "") else { throw BenchFailure("ab on \(url) said: \(output.suffix(600))") }
        if output.contains("Non-2xx") { throw BenchFailure("non-2xx answers under load: \(output.suffix(600))") }
        if let failures = output.split(separator: "\n").first(where: { $0.contains("(Connect:") }),
           !failures.contains("Connect: 0, Receive: 0") || failures.contains("Exceptions: 1") {
            throw BenchFailure("connection failures under load: \(failures)")
        }
        return value
    }
}
