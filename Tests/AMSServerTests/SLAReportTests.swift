@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Time-standard (SLA) reports")
struct SLAReportTests {
    /// Drives one request through steps 1–4 with the service, spending the given minutes in each step.
    private func runRequest(_ t: TestApp, agency: AgencyModel, agencyOperator: UserModel, caOperator: UserModel,
                            minutes: [WorkflowStep: Double], nik: String, nip: String, email: String) async throws {
        let service = RegistrationService(services: t.services, database: t.db)
        let submitted = try await service.submit(.init(fullName: "Pegawai Uji", nip: nip, nik: nik, email: email, phone: "081234567890",
                                                       agencyID: agency.id!.uuidString, unit: "Bidang Uji", position: "Analis",
                                                       recommendationLetter: .init(filename: "a.pdf", bytes: SampleDocuments.pdf()),
                                                       jobDecree: .init(filename: "b.pdf", bytes: SampleDocuments.pdf("SK Jabatan"))),
                                                 enteredBy: nil, context: .system())
        let id = submitted.request.id!
        func step(_ event: RegistrationEvent, by user: UserModel?, after step: WorkflowStep?) async throws {
            if let step { t.clock.advance(by: (minutes[step] ?? 0) * 60) }
            let request = try #require(try await service.load(id))
            try await service.transition(request, .init(event: event, reason: nil, note: nil, expectedVersion: request.version,
                                                        checklist: Set(AgencyChecklistItem.allCases)),
                                         by: user.map { .operatorAccount($0) } ?? .applicant, context: .system())
        }
        try await step(.forwardToCA, by: agencyOperator, after: .agencyCheck)
        try await step(.registerIdentity, by: caOperator, after: .caRegistration)
        try await step(.completeData, by: nil, after: .applicantData)
        try await step(.confirmData, by: agencyOperator, after: nil)
        try await step(.verify, by: caOperator, after: .verification)
    }

    @Test(arguments: TestDatabase.all)
    func reportMeasuresEachStepAgainstItsStandard(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: two requests of one agency
            let agency = try await t.agency()
            let agencyOperator = try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let caOperator = try await t.user("ca.bssn", role: .caOperator)
            try await t.user("ani", role: .auditor)
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            try await t.user("op.riau", role: .agencyOperator, agency: other)
            try await runRequest(t, agency: agency, agencyOperator: agencyOperator, caOperator: caOperator,
                                 minutes: [.agencyCheck: 2, .caRegistration: 5, .applicantData: 1, .verification: 4],
                                 nik: "1371014505900002", nip: "199005052015032001", email: "siti@sumbarprov.go.id")
            try await runRequest(t, agency: agency, agencyOperator: agencyOperator, caOperator: caOperator,
                                 minutes: [.agencyCheck: 4, .caRegistration: 0.5, .applicantData: 2, .verification: 6],
                                 nik: "1371010101850003", nip: "198501012010011003", email: "budi@sumbarprov.go.id")
            // act
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            let page = try await auditor.get("/reports/sla")
            let csv = try await auditor.get("/reports/sla.csv")
            // check: agency check took 2 and 4 minutes against 3 → median 2 m (nearest rank), p90 4 m, 50% within
            #expect(page.status == .ok)
            #expect(page.body.string.contains("<svg class=\"chart\""))
            let lines = csv.body.string.split(separator: "\r\n").map(String.init)
            #expect(lines.contains("all,Semua,agency_check,2,2 m 0 s,4 m 0 s,50%,3 m 0 s"))
            #expect(lines.contains("all,Semua,ca_registration,2,30 s,5 m 0 s,50%,1 m 0 s"))
            #expect(lines.contains("all,Semua,verification,2,4 m 0 s,6 m 0 s,50%,5 m 0 s"))
            #expect(lines.contains("agency,Diskominfo Provinsi Sumatera Barat,applicant_data,2,1 m 0 s,2 m 0 s,100%,3 m 0 s"))
            #expect(lines.contains { $0.hasPrefix("operator,op.sumbar,agency_check,2,") })
            #expect(lines.contains { $0.hasPrefix("operator,ca.bssn,ca_registration,2,") })
            // another agency's operator sees none of it; applicants may not look
            let riau = t.browser()
            try await riau.signIn("op.riau", TestApp.password)
            #expect(try await riau.get("/reports/sla.csv").body.string.split(separator: "\r\n").count == 1)
            try await t.user("pemohon", role: .applicant, agency: agency)
            let applicant = t.browser()
            try await applicant.signIn("pemohon", TestApp.password)
            #expect(try await applicant.get("/reports/sla").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func queueMarksOverdueRequests(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            _ = try await RegistrationService(services: t.services, database: t.db).submit(
                .init(fullName: "Pegawai Uji", nip: "199005052015032001", nik: "1371014505900002", email: "siti@sumbarprov.go.id",
                      phone: "081234567890", agencyID: agency.id!.uuidString, unit: "Bidang Uji", position: "Analis",
                      recommendationLetter: .init(filename: "a.pdf", bytes: SampleDocuments.pdf()),
                      jobDecree: .init(filename: "b.pdf", bytes: SampleDocuments.pdf("SK Jabatan"))), enteredBy: nil, context: .system())
            let browser = t.browser()
            try await browser.signIn("op.sumbar", TestApp.password)
            #expect(!(try await browser.get("/requests").body.string.contains("Lewat baku mutu")))
            #expect(try await browser.get("/requests?overdue=1").body.string.contains("Tidak ada permohonan yang cocok"))
            t.clock.advance(by: 3 * 60 + 1)
            #expect(try await browser.get("/requests").body.string.contains("Lewat baku mutu"))
            #expect(try await browser.get("/requests?overdue=1").body.string.contains("Pegawai Uji"))
        }
    }
}
