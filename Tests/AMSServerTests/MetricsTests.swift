@testable import AMSServer
import AMSCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// `/metrics` (issue 21): the Prometheus text on its own listen address, behind a bearer token when one is set;
/// requests counted by route pattern (never the path, which may hold a token), sign-in failures and locks, OCSP
/// answers, and the installation's figures read from the database.
@Suite("Metrics for Prometheus")
struct MetricsTests {
    /// The value of one series in the exposition, or nil when it is absent.
    private func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test(arguments: TestDatabase.all)
    func scrapeCountsEventsAndReadsTheInstallationsFigures(db: TestDatabase) async throws {
        let port = try SMTPTestServer.freePort()
        try await TestApp.with(db, tweak: { $0.metricsListen = ("127.0.0.1", port); $0.metricsToken = "rahasia-scrape" }) { t in
            // setup: a request waiting for the agency, a signed-in visit, wrong passwords up to the lock, an OCSP
            // query that is no request, an activation link that is no token
            let agency = try await t.agency()
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            _ = try await t.submittedRequest(agency: agency)
            let browser = t.browser()
            try await browser.signIn("op.sumbar", TestApp.password)
            #expect(try await browser.get("/dashboard").status == .ok)
            let stranger = t.browser()
            let failures = LoginThrottlePolicy.perAccount.lockAfterFailures
            for _ in 0..<failures {
                try await stranger.signIn("op.sumbar", "salah-sekali")
                t.clock.advance(by: 60)   // past each growing delay, within the lock's window
            }
            #expect(try await stranger.get("/pki/ocsp/bukan-permintaan").status == .ok)
            _ = try await stranger.get("/activate/token-rahasia-123")
            t.clock.advance(by: 3 * 60 + 1)
            let server = MetricsServer()
            try await server.didBootAsync(t.app)
            // act: scrapes without, with a wrong and with the right token, and a path beside /metrics
            func scrape(_ token: String?, path: String = "/metrics") async throws -> ClientResponse {
                var headers = HTTPHeaders()
                if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
                return try await t.app.client.get(URI(string: "http://127.0.0.1:\(port)\(path)"), headers: headers)
            }
            let anonymous = try await scrape(nil), wrong = try await scrape("tebakan"), elsewhere = try await scrape("rahasia-scrape", path: "/dashboard")
            let scraped = try await scrape("rahasia-scrape")
            await server.shutdownAsync(t.app)
            // check
            #expect(anonymous.status == .unauthorized && wrong.status == .unauthorized && elsewhere.status == .notFound)
            #expect(scraped.status == .ok && scraped.headers.contentType?.description.hasPrefix("text/plain") == true)
            let text = scraped.body.map { String(buffer: $0) } ?? ""
            #expect(value(#"ams_http_requests_total{route="/dashboard",method="GET",status="200"}"#, in: text) == 1)
            #expect(text.contains(#"ams_http_request_duration_seconds_bucket{route="/dashboard",method="GET",status="200",le="#))
            #expect(text.contains(#"route="/activate/:token""#) && !text.contains("token-rahasia-123"), "the pattern, never the token")
            #expect(value(#"ams_sign_in_failures_total{reason="wrong_password"}"#, in: text) == Double(failures))
            #expect(value("ams_sign_in_locks_total", in: text) == 1)
            #expect(value(#"ams_ocsp_responses_total{outcome="malformed_request"}"#, in: text) == 1)
            #expect(value(#"ams_registration_queue_requests{step="agency_check"}"#, in: text) == 1)
            #expect(value(#"ams_registration_queue_overdue_requests{step="agency_check"}"#, in: text) == 1)
            #expect(value(#"ams_registration_queue_requests{step="verification"}"#, in: text) == 0)
            #expect(value(#"ams_outbox_messages{status="pending"}"#, in: text) ?? 0 >= 1, "the confirmation mail waits in the outbox")
            #expect(value(#"ams_certificates{status="issued"}"#, in: text) == 0)
            #expect(value("ams_metrics_database_read_failures", in: text) == 0)
            // every state change above (the request, the sign-ins, the failures) waited for its connection, and was timed
            #expect(value("ams_db_transaction_wait_seconds_count", in: text) ?? 0 >= Double(failures + 2))
        }
    }
}
