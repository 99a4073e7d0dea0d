@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Newcomer finding (operators and applicants): operators had to poll a list of everything open. Each operator
/// starts on what waits for them, overdue first, with the counts on the dashboard; a holder's dashboard leads to
/// the certificate.
@Suite("Waiting for me: the operator's queue and dashboard; the holder's next step")
struct OperatorQueueTests {
    @Test(arguments: TestDatabase.all)
    func theQueueStartsOnWhatWaitsForMeOverdueFirst(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: three requests of one agency: one waiting 4 minutes for the data confirmation (standard 5: in time),
            // one waiting 3.5 minutes for the agency check (standard 3: overdue, though it waited less), one returned to
            // its applicant (waiting for the applicant, not the operator)
            let agency = try await t.agency()
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            var requests = try await submitThreeRequests(agency, t)
            requests[0].status = .dataSubmitted
            requests[0].currentStep = .verification
            requests[0].stepStartedAt = t.clock.now.addingTimeInterval(-240)
            try await requests[0].save(on: t.db)
            requests[1].stepStartedAt = t.clock.now.addingTimeInterval(-210)
            try await requests[1].save(on: t.db)
            requests[2].status = .returnedByAgency
            requests[2].currentStep = nil
            try await requests[2].save(on: t.db)
            let desk = t.browser()
            try await desk.signIn("op.sumbar", TestApp.password)
            // act
            let mine = try await desk.get("/requests").body.string
            let all = try await desk.get("/requests?all=1").body.string
            // check: waiting for me holds the two the agency must act on, the overdue one first (not the older), and says so
            let first = try #require(mine.range(of: requests[1].trackingNumber)), second = try #require(mine.range(of: requests[0].trackingNumber))
            #expect(first.lowerBound < second.lowerBound)
            #expect(!mine.contains(requests[2].trackingNumber))
            #expect(mine.contains("Menunggu saya (2)") && mine.contains("1 lewat batas waktu"))
            // each row names its agency
            #expect(mine.components(separatedBy: ">\(agency.name)</td>").count - 1 == 2)
            #expect(all.contains(requests[2].trackingNumber) && all.contains(requests[0].trackingNumber))
            // the dashboard counts them and leads to the queue
            let dashboard = try await desk.get("/dashboard").body.string
            #expect(dashboard.contains("2 permohonan menunggu tindakan Anda; 1 di antaranya lewat batas waktu SOP"))
            #expect(dashboard.contains("href=\"/requests\""))
        }
    }

    /// At a national CA's size tens of thousands of requests wait: the pages count them up to a cap, not all; the
    /// overdue ones status by status, the cap counting across statuses.
    @Test(arguments: TestDatabase.all)
    func thePagesCountWhatWaitsUpToACap(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: three requests waiting for the agency an hour, past any standard: two for its check, one for the
            // data confirmation
            let agency = try await t.agency()
            let desk = try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            let requests = try await submitThreeRequests(agency, t)
            for request in requests { request.stepStartedAt = t.clock.now.addingTimeInterval(-3600) }
            requests[2].status = .dataSubmitted
            requests[2].currentStep = .verification
            for request in requests { try await request.save(on: t.db) }
            let standards = t.services.configuration.timeStandards
            // act
            let capped = try await OperatorWorkload(standards: standards, database: t.db, countCap: 1).counts(for: desk, now: t.clock.now)
            let exact = try await OperatorWorkload(standards: standards, database: t.db, countCap: nil).counts(for: desk, now: t.clock.now)
            // check: counted to one past the cap, said "1+", or all three, the overdue ones of both statuses
            #expect(capped.waiting == 2 && exact.waiting == 3)
            #expect(capped.overdue == 2 && exact.overdue == 3)
            #expect(capped.figure(capped.waiting) == "1+" && exact.figure(exact.waiting) == "3")
            #expect(capped.figure(1) == "1")
        }
    }

    /// Three requests of `agency` submitted a minute apart, waiting for its operator's check.
    private func submitThreeRequests(_ agency: AgencyModel, _ t: TestApp) async throws -> [RegistrationRequestModel] {
        let service = RegistrationService(services: t.services, database: t.db)
        var requests: [RegistrationRequestModel] = []
        for index in 1...3 {
            var input = RegistrationService.RequestInput(
                fullName: "Pegawai \(["Satu", "Dua", "Tiga"][index - 1])", nip: "199005052015032" + String(format: "%03d", index),
                nik: "137101450590" + String(format: "%04d", index), email: "pegawai\(index)@sumbarprov.go.id", phone: "081234567890",
                agencyID: agency.id!.uuidString, unit: "Bidang Persandian", position: "Pranata Komputer",
                recommendationLetter: .init(filename: "a.pdf", bytes: SampleDocuments.pdf()),
                jobDecree: .init(filename: "b.pdf", bytes: SampleDocuments.pdf("SK Jabatan")))
            input.locale = .id
            requests.append(try await service.submit(input, enteredBy: nil, context: .system()).request)
            t.clock.advance(by: 60)
        }
        return requests
    }

    @Test(arguments: TestDatabase.all)
    func aHoldersDashboardLeadsToTheCertificate(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            let before = try await browser.get("/dashboard").body.string
            #expect(before.contains("Ajukan sertifikat elektronik") && before.contains("href=\"/certificates/new\""))
            try await t.certificateAuthority()
            _ = try await t.issuedCertificate(for: holder, approver: try await t.user("op.ca", role: .caOperator))
            let after = try await browser.get("/dashboard").body.string
            #expect(!after.contains("href=\"/certificates/new\"") && after.contains("Lihat sertifikat"))
        }
    }
}
