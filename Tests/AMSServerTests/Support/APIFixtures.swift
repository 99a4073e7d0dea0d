@testable import AMSServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// Agency API keys and calls to `/api/v1`.
extension TestApp {
    /// An administrator issues a key for the agency through the web UI; returns the clear key.
    func apiKey(agency: AgencyModel, admin: TestBrowser) async throws -> String {
        let created = try await admin.post("/admin/api-keys", form: ["agencyID": agency.id!.uuidString, "name": "SIMPEG Sumbar"])
        #expect(created.status == .created)
        let html = created.body.string
        let start = try #require(html.range(of: "id=\"new-key\">"))
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }

    func callAPI(_ method: HTTPMethod, _ path: String, key: String?, json: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let key { headers.bearerAuthorization = .init(token: key) }
        if json != nil { headers.contentType = .json }
        return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}
