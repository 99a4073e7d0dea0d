@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import NIOHTTP1
import Testing
import Vapor
import VaporTesting

@Suite("JSON API for agency systems (/api/v1)")
struct APITests {
    private func multipart(_ fields: [String: String], files: [String: (String, [UInt8])]) -> (HTTPHeaders, ByteBuffer) {
        let boundary = "apiboundary\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields { body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n") }
        for (name, file) in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file.0)\"\r\nContent-Type: application/pdf\r\n\r\n")
            body.writeBytes(file.1)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return (headers, body)
    }

    @Test(arguments: TestDatabase.all)
    func agencySystemCreatesReadsAndForwardsARequest(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let agency = try await t.agency()
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let key = try await t.apiKey(agency: agency, admin: admin)
            #expect(key.hasPrefix("ams_") && key.count == 47)
            #expect(try await APIKeyModel.query(on: t.db).first()?.keyHash == TokenDigest.hex(key))
            // act: create with both documents
            var (headers, body) = multipart(RegistrationRequestTests.fields, files: RegistrationRequestTests.files())
            headers.bearerAuthorization = .init(token: key)
            let created = try await t.app.testing().sendRequest(.POST, "/api/v1/requests", headers: headers, body: body)
            // check
            #expect(created.status == .created)
            let summary = try created.content.decode(APIController.RequestSummary.self)
            #expect(summary.status == .submitted && summary.version == 1 && summary.trackingNumber.hasPrefix("AMS-"))
            #expect(created.headers.first(name: .location) == "/api/v1/requests/\(summary.id.uuidString)")
            #expect(created.body.string.contains("\"createdAt\":\"20"))  // ISO 8601
            let list = try await t.callAPI(.GET, "/api/v1/requests?status=submitted", key: key)
            #expect(try list.content.decode(APIController.Page.self).total == 1)
            let detail = try await t.callAPI(.GET, "/api/v1/requests/\(summary.id.uuidString)", key: key)
            let decoded = try detail.content.decode(APIController.RequestDetail.self)
            #expect(Set(decoded.allowedEvents) == ["forward_to_ca", "return_to_applicant", "close"])
            // the agency's checklist binds the API as it binds the web form: forwarding with an item missing is refused
            let unchecked = try await t.callAPI(.POST, "/api/v1/requests/\(summary.id.uuidString)/actions", key: key,
                                                json: #"{"event":"forward_to_ca","version":1,"checklist":["letter_signed","email_official"]}"#)
            #expect(unchecked.status == .unprocessableEntity && unchecked.body.string.contains("\"code\":\"checklist_incomplete\""))
            let forwarded = try await t.callAPI(.POST, "/api/v1/requests/\(summary.id.uuidString)/actions", key: key,
                                           json: #"{"event":"forward_to_ca","version":1,"checklist":["letter_signed","decree_matches","email_official"]}"#)
            #expect(forwarded.status == .ok)
            #expect(try forwarded.content.decode(APIController.RequestSummary.self).status == .forwardedToCA)
            // a stale version, an event of the CA, and bad input get JSON errors with stable codes
            let stale = try await t.callAPI(.POST, "/api/v1/requests/\(summary.id.uuidString)/actions", key: key,
                                       json: #"{"event":"return_to_applicant","version":1,"reason":"x"}"#)
            #expect(stale.status == .conflict && stale.body.string.contains("\"code\":\"stale_version\""))
            let caEvent = try await t.callAPI(.POST, "/api/v1/requests/\(summary.id.uuidString)/actions", key: key,
                                         json: #"{"event":"register_identity","version":2}"#)
            #expect(caEvent.status == .forbidden && caEvent.body.string.contains("\"code\":\"forbidden\""))
            (headers, body) = multipart(["fullName": "X"], files: [:])
            headers.bearerAuthorization = .init(token: key)
            let invalid = try await t.app.testing().sendRequest(.POST, "/api/v1/requests", headers: headers, body: body)
            #expect(invalid.status == .unprocessableEntity && invalid.body.string.contains("\"fields\""))
            // another agency's key sees nothing of it
            let otherKey = try await t.apiKey(agency: other, admin: admin)
            #expect(try await t.callAPI(.GET, "/api/v1/requests/\(summary.id.uuidString)", key: otherKey).status == .notFound)
            #expect(try await t.callAPI(.GET, "/api/v1/requests", key: otherKey).content.decode(APIController.Page.self).total == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func missingUnknownAndRevokedKeysAreRefused(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let key = try await t.apiKey(agency: agency, admin: admin)
            #expect(try await t.callAPI(.GET, "/api/v1/requests", key: key).status == .ok)
            let none = try await t.callAPI(.GET, "/api/v1/requests", key: nil)
            #expect(none.status == .unauthorized && none.body.string.contains("\"code\":\"unauthenticated\""))
            #expect(try await t.callAPI(.GET, "/api/v1/requests", key: "ams_" + SecureToken(random: SystemRandomSource()).value).status == .unauthorized)
            let stored = try #require(try await APIKeyModel.query(on: t.db).first())
            #expect(try await admin.post("/admin/api-keys/\(stored.id!.uuidString)/revoke", form: [:], from: "/admin/api-keys").status == .seeOther)
            #expect(try await t.callAPI(.GET, "/api/v1/requests", key: key).status == .unauthorized)
            let actions = try await t.auditActions()
            #expect(actions.contains("api_key.created") && actions.contains("api_key.revoked"))
            #expect(!(try await AuditEntryModel.query(on: t.db).all()).contains { $0.details.contains(key) })
        }
    }

    @Test(arguments: TestDatabase.all)
    func openAPIDocumentIsValid(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ams-openapi-\(UUID().uuidString).json")
            try Data(response.body.readableBytesView).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            // an independent validator (PyPI openapi-spec-validator)
            let output = try SMTPTestServer.run(["python3", "-m", "openapi_spec_validator", file.path])
            #expect(output.contains("OK"))
            // every API route is described
            let json = response.body.string
            for path in ["\"/requests\"", "\"/requests/{requestID}\"", "\"/requests/{requestID}/actions\""] { #expect(json.contains(path)) }
        }
    }
}
