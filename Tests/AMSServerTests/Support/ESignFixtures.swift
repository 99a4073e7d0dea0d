@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import NIOCore
import Testing
import VaporTesting

/// An agency application calling the national e-signature API as a client would: HTTP Basic with its key, JSON for
/// v2, multipart/form-data for v1 (fields in the order given).
struct ESignClient {
    let t: TestApp
    let user: String
    let key: String

    /// An API key made by an administrator through the page; the Basic user name is what the page shows.
    static func make(_ t: TestApp, agency: AgencyModel, name: String = "SRIKANDI Sumbar", addresses: String = "", perMinute: String = "")
        async throws -> ESignClient {
        if try await UserModel.query(on: t.db).filter(\.$username == "admin").count() == 0 { try await t.user("admin", role: .administrator) }
        let admin = t.browser()
        try await admin.signIn("admin", TestApp.password)
        let created = try await admin.post("/admin/api-keys", form: ["agencyID": agency.id!.uuidString, "name": name,
                                                                     "allowedAddresses": addresses, "requestsPerMinute": perMinute])
        #expect(created.status == .created)
        let html = created.body.string
        func shown(_ id: String) throws -> String {
            let start = try #require(html.range(of: "id=\"\(id)\">"))
            return String(html[start.upperBound...].prefix { $0 != "<" })
        }
        return ESignClient(t: t, user: try shown("new-key-user"), key: try shown("new-key"))
    }

    var authorization: String { "Basic " + Data("\(user):\(key)".utf8).base64EncodedString() }

    func json(_ method: HTTPMethod, _ path: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .authorization, value: authorization)
        headers.contentType = .json
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await t.app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(bytes: data))
    }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .authorization, value: authorization)
        return try await t.app.testing().sendRequest(.GET, path, headers: headers)
    }

    /// A multipart/form-data POST with `parts` in this order: text fields, or files as (filename, bytes).
    func multipart(_ path: String, _ parts: [(name: String, value: Part)]) async throws -> TestingHTTPResponse {
        let boundary = "----ams-esign-" + UUID().uuidString
        var body: [UInt8] = []
        for (name, value) in parts {
            body += Array("--\(boundary)\r\n".utf8)
            switch value {
            case .text(let text):
                body += Array("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(text)\r\n".utf8)
            case .file(let filename, let bytes, let type):
                body += Array("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
                body += bytes + Array("\r\n".utf8)
            }
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .authorization, value: authorization)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await t.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(bytes: body))
    }

    enum Part {
        case text(String)
        case file(String, [UInt8], type: String = "application/pdf")
    }
}

extension TestingHTTPResponse {
    /// The API's error body: `status_code` and `error`.
    var esignError: (code: Int, message: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let code = object["status_code"] as? Int, let message = object["error"] as? String, object.count == 2 else { return nil }
        return (code, message)
    }

    var jsonObject: [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
    }
}
