@testable import AMSServer
import AMSPKI
import AMSTestTools
import Foundation
import PostgresKit
import Testing
import VaporTesting

/// Newcomer finding (OCSP details): GET answers carried only `max-age=300`; base64url and unpadded paths were
/// refused; `PUT /pki/ocsp` answered 404. RFC 5019 §6.2 caching headers, the encodings clients send, and 405.
@Suite("OCSP over HTTP: cache headers, GET encodings, methods")
struct OCSPHTTPTests {
    @Test(arguments: TestDatabase.all)
    func aGETAnswerCarriesRFC5019CacheHeadersAndRevalidates(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            // setup
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let client = try OCSPClient(port: 1, loaded: loaded)
            defer { client.folder.remove() }
            let request = try client.request(certificate: Array(record.certificateDER!), nonce: false)
            let encoded = OCSPClient.getPathPart(request)
            // act
            let answer = try await t.browser().get("/pki/ocsp/" + encoded)
            // check: Last-Modified is thisUpdate, Expires nextUpdate (24 h later), max-age within both, an ETag
            let lastModified = try #require(answer.headers.first(name: .lastModified).flatMap(Self.httpDate))
            let expires = try #require(answer.headers.first(name: .expires).flatMap(Self.httpDate))
            #expect(expires.timeIntervalSince(lastModified) == 24 * 3600)
            #expect(abs(lastModified.timeIntervalSince(t.clock.now)) < 2)
            #expect(answer.headers.first(name: .cacheControl) == "public, max-age=300, no-transform, must-revalidate")
            let tag = try #require(answer.headers.first(name: .eTag))
            #expect(tag.hasPrefix("\"") && tag.count == 34)
            // the same question with the tag: 304 and no body; with another tag, the answer again
            var conditional = HTTPHeaders()
            conditional.replaceOrAdd(name: .ifNoneMatch, value: tag)
            let unchanged = try await t.browser().send(.GET, "/pki/ocsp/" + encoded, headers: conditional, body: nil)
            #expect(unchanged.status == .notModified && unchanged.body.readableBytes == 0 && unchanged.headers.first(name: .eTag) == tag)
            conditional.replaceOrAdd(name: .ifNoneMatch, value: "\"other\"")
            #expect(try await t.browser().send(.GET, "/pki/ocsp/" + encoded, headers: conditional, body: nil).body == answer.body)
            // a POST answer, and a GET answer to a request with a nonce, are one client's: no-store
            let nonceAnswer = try await t.browser().get("/pki/ocsp/" + (try client.getPathPart(certificate: Array(record.certificateDER!), nonce: true)))
            #expect(nonceAnswer.headers.first(name: .cacheControl) == "no-store" && nonceAnswer.headers.first(name: .eTag) == nil)
            var post = HTTPHeaders()
            post.contentType = HTTPMediaType(type: "application", subType: "ocsp-request")
            let posted = try await t.browser().send(.POST, "/pki/ocsp", headers: post, body: ByteBuffer(bytes: request))
            #expect(posted.headers.first(name: .cacheControl) == "no-store")
        }
    }

    /// Issue 21: a GET asked again is answered from the answers kept by request, on PostgreSQL while the status feed
    /// listens; a revocation ends them at once (a sibling's revocation, heard through the feed, is tested with the feed).
    @Test(arguments: TestDatabase.all)
    func keptGETAnswersEndWithARevocation(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, holder, _, record) = try await t.issuedWorld()
            let client = try OCSPClient(port: 1, loaded: loaded)
            defer { client.folder.remove() }
            let der = Array(try #require(record.certificateDER))
            let leaf = try client.folder.write("leaf.pem", PEM.encode(der, label: "CERTIFICATE"))
            let encoded = try client.getPathPart(certificate: der, nonce: false)
            let feed = CertificateStatusFeed(connection: try SQLPostgresConfiguration(url: TestDatabase.postgresURL ?? "postgres://x@localhost/x")
                .coreConfiguration)
            if db == .postgres {
                try await feed.didBootAsync(t.app)
                // the feed listens once its connection is up: seconds on a loaded machine (a CI run's full suite took
                // longer than the 10 s this waited before)
                #expect(try await waitUntil(seconds: 60) { t.services.ocspStatuses.isEnabled },
                        "the status feed is not listening: no answer is kept without it")
            }
            func status() async throws -> String {
                let answer = try await t.browser().get("/pki/ocsp/" + encoded)
                let path = try client.folder.write("answer.der", Array(answer.body.readableBytesView))
                let text = try ExternalTool.run(["openssl", "ocsp", "-respin", path, "-issuer", client.issuingPath, "-cert", leaf, "-noverify"]).stdout
                return text.contains(": good") ? "good" : text.contains(": revoked") ? "revoked" : text
            }
            func kept() -> Bool {
                t.services.ocspGetAnswers.answer(for: encoded, epoch: t.services.ocspStatuses.epoch, now: t.clock.now, refreshAfter: 3600) != nil
            }
            // the first answer reads the database; the second comes from the kept status and is kept whole
            #expect(try await status() == "good")
            #expect(try await status() == "good")
            #expect(kept())
            #expect(try await status() == "good")
            try await t.certificateService().revoke(record, reason: .keyCompromise, invalidityDate: nil, actor: holder.actor,
                                                    revokerUserID: holder.id, context: .system())
            #expect(!kept())
            #expect(try await status() == "revoked")
            if db == .postgres { await feed.shutdownAsync(t.app) }
        }
    }

    /// Issue 21: the responder on an address of its own (`AMS_OCSP_LISTEN`, a bare HTTP/1.1 server): openssl's POST
    /// (a connection each) answered and verified at `/pki/ocsp` and at `/`; GET with the request in the path at
    /// both, the same answer; the liveness probe; nothing else there.
    @Test func ownListenerAnswersAsTheMainAddressDoes() async throws {
        let port = try SMTPTestServer.freePort()
        try await TestApp.with(.sqlite, tweak: { $0.ocspListen = ("127.0.0.1", port) }, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let listener = OCSPListener()
            try await listener.didBootAsync(t.app)
            let der = Array(try #require(record.certificateDER))
            for path in ["/pki/ocsp", "/"] {
                let client = try OCSPClient(port: port, loaded: loaded, path: path)
                defer { client.folder.remove() }
                let good = try await client.ask(certificate: der)
                #expect(good.stdout.contains("leaf.pem: good") && good.combined.contains("Response verify OK"), "\(path): \(good.combined)")
            }
            let client = try OCSPClient(port: port, loaded: loaded)
            defer { client.folder.remove() }
            let encoded = try client.getPathPart(certificate: der, nonce: false)
            func send(_ path: String, _ method: HTTPMethod = .GET, body: [UInt8]? = nil) async throws -> ClientResponse {
                try await t.app.client.send(method, to: URI(string: "http://127.0.0.1:\(port)\(path)")) { request in
                    if let body { request.body = ByteBuffer(bytes: body) }
                }
            }
            let viaPrefix = try await send("/pki/ocsp/" + encoded), viaRoot = try await send("/" + encoded)
            #expect(viaPrefix.status == .ok && viaPrefix.headers.first(name: .contentType) == "application/ocsp-response")
            #expect(viaPrefix.body == viaRoot.body && viaPrefix.headers.first(name: .eTag) != nil)
            #expect(viaPrefix.headers.first(name: .xContentTypeOptions) == "nosniff")
            let live = try await send("/health/live")
            #expect(live.status == .ok && live.body.map { String(buffer: $0) } == "ok\n")
            #expect(try await send("/pki/ca/root.crt").status == .notFound)
            #expect(try await send("/pki/ocsp", .DELETE).status == .methodNotAllowed)
            #expect(try await send("/pki/ocsp", .POST, body: Array(repeating: 0x30, count: OCSPRequestParser.maximumSize + 1)).status
                    == .payloadTooLarge)
            await listener.shutdownAsync(t.app)
        }
    }

    /// AMS inflates no request body: one sent with `Content-Encoding: gzip` reaches the responder as it came (here:
    /// no OCSP request), while the same request uncompressed is answered.
    @Test func compressedRequestBodiesAreNotInflated() async throws {
        try await TestApp.with(.sqlite, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let port = try await t.startLiveServer()
            let client = try OCSPClient(port: port, loaded: loaded)
            defer { client.folder.remove() }
            let request = try client.request(certificate: Array(try #require(record.certificateDER)), nonce: false)
            let plainPath = try client.folder.write("request.der", request)
            let gzipPath = plainPath + ".gz"
            _ = try ExternalTool.run(["python3", "-c", "import gzip, sys; open(sys.argv[2], 'wb').write(gzip.compress(open(sys.argv[1], 'rb').read()))",
                                      plainPath, gzipPath])
            let gzip = Array(try Data(contentsOf: URL(fileURLWithPath: gzipPath)))
            #expect(gzip.count > 10 && gzip != request)
            func post(_ body: [UInt8], encoding: String?) async throws -> [UInt8] {
                var headers: HTTPHeaders = ["Content-Type": "application/ocsp-request"]
                if let encoding { headers.add(name: .contentEncoding, value: encoding) }
                let response = try await t.app.client.post(URI(string: "http://127.0.0.1:\(port)/pki/ocsp"), headers: headers) { $0.body = ByteBuffer(bytes: body) }
                return response.body.map { Array($0.readableBytesView) } ?? []
            }
            let plain = try await post(request, encoding: nil)
            #expect(plain.count > 100 && plain != OCSPResponseBuilder.malformedRequest)
            #expect(try await post(gzip, encoding: "gzip") == OCSPResponseBuilder.malformedRequest)
        }
    }

    /// The GET path part: base64 percent-encoded (RFC 6960 A.1), raw, base64url, unpadded; junk is no request.
    @Test func getPathPartsDecodeInEveryFormClientsSend() {
        let request: [UInt8] = [0x30, 0x3E, 0xFB, 0xFF, 0x01, 0x7E, 0x00]
        let base64 = Data(request).base64EncodedString()  // "MD77/wF+AA==": has '+', '/' and padding
        #expect(PKIController.ocspRequest(get: base64) == request)
        #expect(PKIController.ocspRequest(get: base64.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == request)
        let url = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(PKIController.ocspRequest(get: url) == request)
        #expect(PKIController.ocspRequest(get: "%4D%44%37%37%2f%77%46%2B%41%41%3d%3d") == request)
        #expect(PKIController.ocspRequest(get: "MD77%2") == nil)
        #expect(PKIController.ocspRequest(get: "MD77%ZZwF+AA==") == nil)
        #expect(PKIController.ocspRequest(get: "bukan permintaan!") == nil)
        #expect(PKIController.ocspRequest(get: String(repeating: "A", count: OCSPRequestParser.maximumSize * 2 + 4)) == nil)
    }

    @Test func maxAgeNeverOutlivesNextUpdate() {
        let now = Date()
        let answer = OCSPResponder.Answer(bytes: [0x30, 0x03, 0x0A, 0x01, 0x00],
                                          cacheableUntil: now.addingTimeInterval(-3600)...now.addingTimeInterval(120))
        let response = OCSPHTTPAnswer(answer).response(get: HTTPHeaders(), now: now)
        #expect(response.headers.first(name: .cacheControl) == "public, max-age=120, no-transform, must-revalidate")
        let stale = OCSPHTTPAnswer(answer).response(get: HTTPHeaders(), now: now.addingTimeInterval(600))
        #expect(stale.headers.first(name: .cacheControl)?.contains("max-age=0,") == true)
    }

    @Test(arguments: TestDatabase.all)
    func base64urlAndUnpaddedPathsAreAccepted(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (loaded, _, _, _, record) = try await t.issuedWorld()
            let client = try OCSPClient(port: 1, loaded: loaded)
            defer { client.folder.remove() }
            // requests whose base64 has '+' or '/' (openssl's nonce varies: try until one does) and padding
            // (the request without a nonce is one of the lengths that need it)
            var withSlashOrPlus = ""
            for _ in 0..<40 where !withSlashOrPlus.contains(where: { $0 == "+" || $0 == "/" }) {
                withSlashOrPlus = Data(try client.request(certificate: Array(record.certificateDER!), nonce: true)).base64EncodedString()
            }
            let padded = Data(try client.request(certificate: Array(record.certificateDER!), nonce: false)).base64EncodedString()
            #expect(withSlashOrPlus.contains(where: { $0 == "+" || $0 == "/" }) && padded.hasSuffix("="))
            let url = withSlashOrPlus.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .trimmingCharacters(in: CharacterSet(charactersIn: "="))
            let unpadded = padded.trimmingCharacters(in: CharacterSet(charactersIn: "="))
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for path in [url, unpadded] {
                let answer = try await t.browser().get("/pki/ocsp/" + path)
                let respPath = try client.folder.write("response.der", Array(answer.body.readableBytesView))
                let read = try ExternalTool.run(["openssl", "ocsp", "-respin", respPath, "-issuer", client.issuingPath,
                                                 "-cert", client.folder.path("leaf.pem"), "-CAfile", client.rootPath,
                                                 "-verify_other", client.issuingPath, "-no_nonce"])
                #expect(read.stdout.contains(": good") && read.combined.contains("Response verify OK"), "\(path): \(read.combined)")
            }
        }
    }

    @Test func otherMethodsOnTheResponderAre405() async throws {
        try await TestApp.with(.sqlite) { t in
            for (method, path) in [(HTTPMethod.PUT, "/pki/ocsp"), (.DELETE, "/pki/ocsp"), (.PATCH, "/pki/ocsp/MAA="), (.PUT, "/pki/ocsp/MAA=")] {
                let answer = try await t.browser().send(method, path, headers: HTTPHeaders(), body: ByteBuffer(bytes: [0x30, 0x00]))
                #expect(answer.status == .methodNotAllowed && answer.headers.first(name: .allow) == "GET, POST", "\(method) \(path)")
            }
        }
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
