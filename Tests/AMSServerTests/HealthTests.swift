@testable import AMSServer
import FluentKit
import Foundation
import SQLKit
import Testing
import VaporTesting

/// `/health/live` and `/health/ready` (issue 21): ready only when the database answers, the schema is current and
/// the certificate authority's keys are loaded; each check named.
@Suite("Health: live and ready")
struct HealthTests {
    private func readiness(_ t: TestApp) async throws -> (status: HTTPStatus, body: HealthController.Readiness) {
        let response = try await t.browser().get("/health/ready")
        return (response.status, try JSONDecoder().decode(HealthController.Readiness.self, from: Data(response.body.string.utf8)))
    }

    @Test(arguments: TestDatabase.all)
    func readyOnlyWithTheCertificateAuthorityAndEveryMigration(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // a new installation before its first start has made the CA: alive, not ready
            let live = try await t.browser().get("/health/live")
            #expect(live.status == .ok && live.body.string == "ok\n")
            // answered before the session middleware: a probe every few seconds mints no pre-session cookie
            #expect(live.headers[.setCookie].isEmpty && live.headers[.xContentTypeOptions] == ["nosniff"])
            let before = try await readiness(t)
            #expect(before.status == .serviceUnavailable && !before.body.ready)
            #expect(before.body.database == "ok" && before.body.migrations == "current" && before.body.certificateAuthority == "not loaded")
            // with the CA: ready
            try await t.certificateAuthority()
            let after = try await readiness(t)
            #expect(after.status == .ok && after.body.ready && after.body.certificateAuthority == "loaded")
            // a schema older than this AMS (a migration not applied): not ready, and says how many are missing
            try await t.sql.raw("DELETE FROM \(ident: MigrationLog.schema) WHERE \(ident: "name") = \(bind: Migrations.all.last!.name)").run()
            let behind = try await readiness(t)
            #expect(behind.status == .serviceUnavailable && behind.body.migrations == "1 pending" && behind.body.certificateAuthority == "loaded")
        }
    }
}
