import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A signed-in visitor for the page benchmark: keeps its cookies, signs in through the login form with its CSRF
/// token, and asks for pages over HTTP.
struct BenchBrowser {
    let client: any Client
    let base: String

    /// One visitor; safe to share between concurrent requests (the mixed load does).
    final class Session: Sendable {
        let client: any Client
        let base: String
        private let jar = NIOLockedValueBox<[String: String]>([:])

        init(client: any Client, base: String) {
            self.client = client
            self.base = base
        }

        /// The status of a GET of `path` (its body read and dropped).
        func get(_ path: String) async throws -> UInt {
            let response = try await client.get(URI(string: base + path), headers: headers())
            keepCookies(response)
            return response.status.code
        }

        func signIn(_ username: String, _ password: String) async throws {
            let page = try await client.get(URI(string: base + "/login"), headers: headers())
            keepCookies(page)
            let html = page.body.map { String(buffer: $0) } ?? ""
            guard let range = html.range(of: #"name="_csrf" value=""#),
                  let end = html[range.upperBound...].firstIndex(of: "\"") else { throw BenchFailure("no CSRF token on /login") }
            let token = String(html[range.upperBound..<end])
            var headers = headers()
            headers.contentType = .urlEncodedForm
            let form = [("username", username), ("password", password), ("_csrf", token)]
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            let response = try await client.post(URI(string: base + "/login"), headers: headers) { $0.body = ByteBuffer(string: form) }
            keepCookies(response)
            guard response.status == .seeOther || response.status == .found,
                  response.headers.first(name: .location)?.contains("login") == false else {
                throw BenchFailure("signing in as \(username) failed (\(response.status.code))")
            }
        }

        private func headers() -> HTTPHeaders {
            var headers = HTTPHeaders()
            let cookies = jar.withLockedValue { $0 }
            if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            return headers
        }

        private func keepCookies(_ response: ClientResponse) {
            jar.withLockedValue { cookies in
                for (name, value) in response.headers.setCookie?.all ?? [:] { cookies[name] = value.string }
            }
        }
    }

    func session() -> Session { Session(client: client, base: base) }

    /// Polls `/health` for up to twenty seconds.
    func waitUntilUp() async throws -> Bool {
        for _ in 0..<200 {
            if let response = try? await client.get(URI(string: base + "/health")), response.status == .ok { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }
}
