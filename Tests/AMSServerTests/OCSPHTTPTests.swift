@testable import AMSServer
import AMSPKI
import AMSTestTools
import Foundation
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
            let encoded = Data(request).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
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
            let withNonce = try client.request(certificate: Array(record.certificateDER!), nonce: true)
            let nonceAnswer = try await t.browser().get("/pki/ocsp/" + Data(withNonce).base64EncodedString()
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(nonceAnswer.headers.first(name: .cacheControl) == "no-store" && nonceAnswer.headers.first(name: .eTag) == nil)
            var post = HTTPHeaders()
            post.contentType = HTTPMediaType(type: "application", subType: "ocsp-request")
            let posted = try await t.browser().send(.POST, "/pki/ocsp", headers: post, body: ByteBuffer(bytes: request))
            #expect(posted.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test func maxAgeNeverOutlivesNextUpdate() {
        let now = Date()
        let answer = OCSPResponder.Answer(bytes: [0x30, 0x03, 0x0A, 0x01, 0x00],
                                          cacheableUntil: now.addingTimeInterval(-3600)...now.addingTimeInterval(120))
        let response = PKIController.ocspResponse(answer, get: HTTPHeaders(), now: now)
        #expect(response.headers.first(name: .cacheControl) == "public, max-age=120, no-transform, must-revalidate")
        let stale = PKIController.ocspResponse(answer, get: HTTPHeaders(), now: now.addingTimeInterval(600))
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
