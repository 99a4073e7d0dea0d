@testable import AMSServer
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import Vapor
import VaporTesting

/// A browser for in-memory HTTP tests: keeps cookies like a real one, reads CSRF tokens from the forms it was
/// shown, and never follows redirects by itself.
final class TestBrowser: @unchecked Sendable {
    /// The test's app; its live server helpers serve ``live`` requests.
    let testApp: TestApp
    var app: Application { testApp.app }
    var cookies: [String: String] = [:]
    var forwardedFor: String?
    /// Send requests over a real socket to a live server on a free loopback port (streaming bodies, body limits,
    /// peer addresses), instead of in memory.
    var live = false
    private(set) var lastPage = ""

    init(testApp: TestApp, forwardedFor: String? = nil) {
        self.testApp = testApp
        self.forwardedFor = forwardedFor
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> BrowserResponse {
        try await send(.GET, path, headers: headers, body: nil)
    }

    /// Posts a form. The CSRF token comes from the form on `page` (fetched first), unless `csrf` gives one.
    @discardableResult
    func post(_ path: String, form: [String: String], from page: String? = nil, csrf: String? = nil) async throws -> BrowserResponse {
        try await post(path, pairs: form.map { ($0.key, $0.value) }, from: page, csrf: csrf)
    }

    /// Posts a form whose fields may repeat (check boxes: `selected[]` once per ticked box); the CSRF token as above.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)], from page: String? = nil, csrf: String? = nil) async throws -> BrowserResponse {
        var fields = pairs.filter { $0.0 != "_csrf" }
        var token = csrf
        if token == nil { token = Self.csrfToken(in: try await get(page ?? path).body.string) }
        if let token { fields.append(("_csrf", token)) }
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a multipart form with files (name → (filename, bytes)); the CSRF token as for ``post``.
    @discardableResult
    func postMultipart(_ path: String, fields: [String: String], files: [String: (String, [UInt8])], from page: String? = nil,
                       csrf: String? = nil) async throws -> BrowserResponse {
        var fields = fields
        if let csrf {
            fields["_csrf"] = csrf
        } else {
            let html = try await get(page ?? path).body.string
            fields["_csrf"] = Self.csrfToken(in: html)
            // what form-work.js does in a real browser, unless the test brings its own stamp
            if fields["challenge"] == nil, let challenge = Self.attribute("data-work-challenge", in: html) {
                fields["challenge"] = challenge
                fields["work"] = Self.solve(challenge)
            }
        }
        let boundary = "----amsboundary\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file.0)\"\r\n")
            body.writeString("Content-Type: application/pdf\r\n\r\n")
            body.writeBytes(file.1)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: headers, body: body)
    }

    /// Signs in and returns the response (a redirect on success).
    @discardableResult
    func signIn(_ username: String, _ password: String) async throws -> BrowserResponse {
        try await post("/login", form: ["username": username, "password": password])
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> BrowserResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let forwardedFor { headers.replaceOrAdd(name: "X-Forwarded-For", value: forwardedFor) }
        let response = live ? try await sendOverSocket(method, path, headers: headers, body: body)
            : try await sendInMemory(method, path, headers: headers, body: body)
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.maxAge == 0 || (value.expires.map { $0 < Date() } ?? false) { cookies[name] = nil } else { cookies[name] = value.string }
        }
        lastPage = response.body.string
        return response
    }

    private func sendInMemory(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> BrowserResponse {
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        return BrowserResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Starts the server on a free loopback port (``TestApp/startLiveServer()``), sends the request over a socket, and
    /// stops the server again, as Vapor's own running tester does. The client waits up to two minutes: a safety net
    /// against a hang, not a speed bound. Vapor's tester gives up after 30 s, and in the full suite one request can wait
    /// that long for the threads the parallel tests share; the tests that run live assert what happened, not how fast.
    private func sendOverSocket(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> BrowserResponse {
        try await app.asyncBoot()
        let port = try await testApp.startLiveServer()
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let answer: Result<HTTPClient.Response, any Error>
        do {
            let request = try HTTPClient.Request(url: "http://127.0.0.1:\(port)\(path)", method: method, headers: headers,
                                                 body: body.map { HTTPClient.Body.byteBuffer($0) })
            answer = .success(try await client.execute(request: request, deadline: .now() + .seconds(120)).get())
        } catch {
            answer = .failure(error)
        }
        try? await client.shutdown()
        await testApp.stopLiveServer()
        let response = try answer.get()
        return BrowserResponse(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func attribute(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: name + "=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The counter that solves a proof-of-work challenge of the public form (``FormChallenge``).
    static func solve(_ challenge: String) -> String {
        let parts = challenge.split(separator: ".").map(String.init)
        let bits = Int(parts[1])!
        var counter = 0
        while FormChallenge.leadingZeroBits(Array(SHA256.hash(data: Data("\(parts[2]):\(counter)".utf8)))) < bits { counter += 1 }
        return String(counter)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension BrowserResponse {
    var location: String? { headers.first(name: .location) }
}
