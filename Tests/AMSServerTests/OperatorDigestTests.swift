@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Newcomer finding (operators): operators had to poll. A digest mail tells each operator what is new or overdue
/// in their queue, at most once an hour, and nothing when nothing is.
@Suite("The operators' digest of new and overdue requests")
struct OperatorDigestTests {
    @Test(arguments: TestDatabase.all)
    func anOperatorHearsOfNewAndOverdueRequestsAtMostHourly(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: the agency's operator and the CA's; a request comes in for the agency
            let agency = try await t.agency()
            let desk = try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            let ca = try await t.user("op.ca", role: .caOperator, nik: "3171010101800002")
            let digest = OperatorDigest(services: t.services, database: t.db, interval: 3600)
            let request = try await t.submittedRequest(agency: agency)
            // act, check: the agency's operator gets one digest naming the new request; the CA's, with nothing, none
            #expect(try await digest.sendDue() == 1)
            let first = try #require(try await t.mails(to: desk.email).first { $0.template == "operator_digest" })
            #expect(first.body.contains("1 permohonan baru") && first.body.contains("0 permohonan lewat batas") && first.body.contains("/requests"))
            #expect(try await t.mails(to: ca.email).isEmpty)
            // within the hour: nothing more, even when the request becomes overdue
            t.clock.advance(by: 30 * 60)
            #expect(try await digest.sendDue() == 0)
            // an hour after the first: the overdue request is told again, with nothing new
            t.clock.advance(by: 31 * 60)
            #expect(try await digest.sendDue() == 1)
            let second = try #require(try await t.mails(to: desk.email).first { $0.template == "operator_digest" && $0.body.contains("lewat batas waktu SOP") && !$0.body.contains("1 permohonan baru") })
            #expect(second.body.contains("0 permohonan baru") && second.body.contains("1 permohonan lewat batas waktu SOP"))
            // once the request has moved on to the CA, the CA's operator hears of it at the next pass
            request.status = .forwardedToCA
            request.currentStep = .caRegistration
            request.stepStartedAt = t.clock.now
            try await request.save(on: t.db)
            t.clock.advance(by: 60)
            #expect(try await digest.sendDue() == 1)
            #expect(try await t.mails(to: ca.email).contains { $0.template == "operator_digest" && $0.body.contains("1 permohonan baru") })
        }
    }

    /// Issue 21: every instance of a cluster runs the digest pass; an operator still gets one digest. Several
    /// instances run on PostgreSQL only (SQLite is one process's database), so this runs there.
    @Test(arguments: TestDatabase.all.filter { $0 == .postgres })
    func passesOfTwoInstancesAtOnceSendOneDigest(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let desk = try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            _ = try await t.submittedRequest(agency: agency)
            let first = OperatorDigest(services: t.services, database: t.db, interval: 3600)
            let second = OperatorDigest(services: t.services, database: t.db, interval: 3600)
            async let one = first.sendDue()
            async let other = second.sendDue()
            #expect(try await one + other == 1)
            #expect(try await t.mails(to: desk.email).filter { $0.template == "operator_digest" }.count == 1)
        }
    }

    @Test func theIntervalIsASetting() throws {
        #expect(try AppConfiguration.fromEnvironment([:]).operatorDigestInterval == 3600)
        #expect(try AppConfiguration.fromEnvironment(["AMS_DIGEST_MINUTES": "0"]).operatorDigestInterval == 0)
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["AMS_DIGEST_MINUTES": "-5"]) }
    }
}
