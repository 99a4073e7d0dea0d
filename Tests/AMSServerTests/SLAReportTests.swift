@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
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

/// Issue 20: the report is aggregated by the database (percentiles included), and its figures are exactly those
/// ``DurationStatistics`` works out from the step timings themselves; a slow report runs on connections of its own,
/// so pages on every event loop answer while it runs.
@Suite("Time-standard report at size: aggregated in SQL, on its own connections")
struct SLAReportAtSizeTests {
    @Test(arguments: TestDatabase.all)
    func figuresAreThoseOfTheTimingsThemselves(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: 600 made-up requests of two agencies, steps ended by named operators
            let sumbar = try await t.agency(), riau = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            var agencyOperators: [UUID: [UUID]] = [:]
            for (agency, name) in [(sumbar, "op.sumbar"), (riau, "op.riau")] {
                agencyOperators[agency.id!] = [try await t.user(name, role: .agencyOperator, agency: agency).id!]
            }
            let caOperators = [try await t.user("ca.satu", role: .caOperator).id!, try await t.user("ca.dua", role: .caOperator).id!]
            try await t.user("ani", role: .auditor)
            try await SyntheticRegistrations(agencyIDs: [sumbar.id!, riau.id!], agencyOperators: agencyOperators, caOperators: caOperators,
                                             now: t.clock.now).append(600, on: t.db)
            // expected: from the timings, by the definition in AMSCore
            let standards = t.services.configuration.timeStandards
            let timings = try await StepTimingModel.query(on: t.db).filter(\.$endedAt != nil).all()
            let names = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: t.db).all().map { ($0.id!, $0.username) })
            let agencyNames = [sumbar.id!: sumbar.name, riau.id!: riau.name]
            var expected = Set<String>()
            for (dimension, key) in [("all", { (_: StepTimingModel) -> String? in "Semua" }), ("agency", { agencyNames[$0.agencyID] }),
                                     ("operator", { $0.endedByID.flatMap { names[$0] } })] {
                let groups = Dictionary(grouping: timings.filter { key($0) != nil }) { "\(key($0)!)|\($0.step.rawValue)" }
                for (_, members) in groups {
                    let step = members[0].step
                    let stats = try #require(DurationStatistics(members.map { $0.endedAt!.timeIntervalSince($0.startedAt) }, limit: standards.limit(for: step)))
                    expected.insert([dimension, key(members[0])!, step.rawValue, String(stats.count), SLAReportController.seconds(stats.median),
                                     SLAReportController.seconds(stats.percentile90), "\(Int((stats.shareWithinLimit * 100).rounded()))%",
                                     SLAReportController.seconds(standards.limit(for: step))].joined(separator: ","))
                }
            }
            #expect(expected.count >= 20)
            // act: the report over the whole made-up year
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            let from = t.clock.now.addingTimeInterval(-400 * 86_400).formatted(.iso8601.year().month().day())
            let csv = try await auditor.get("/reports/sla.csv?from=\(from)").body.string
            // check: the same rows, nothing more
            let lines = csv.split(separator: "\r\n").dropFirst().map(String.init)
            #expect(Set(lines) == expected)
            #expect(lines.count == expected.count)
        }
    }

    @Test(arguments: TestDatabase.all)
    func pagesOnEveryEventLoopAnswerWhileASlowReportRuns(db: TestDatabase) async throws {
        let calls = NIOLockedValueBox(0), started = NIOLockedValueBox(false), released = NIOLockedValueBox(false)
        var faults = FaultInjection()
        faults.beforeReport = { database in
            // the report's first read takes its connection and holds it until the test lets it go
            guard calls.withLockedValue({ $0 += 1; return $0 }) == 1 else { return }
            try await database.withConnection { _ in
                started.withLockedValue { $0 = true }
                while !released.withLockedValue({ $0 }) { try await Task.sleep(nanoseconds: 10_000_000) }
            }
        }
        let file = NSTemporaryDirectory() + "ams-slow-report-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } }
        try await TestApp.with(db, tweak: { if db == .sqlite { $0.database = .sqliteFile(path: file) } }, faults: faults) { t in
            try await t.user("ani", role: .auditor)
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            // one signed-in visitor per cheap page (a browser keeps its cookies for one visitor at a time)
            let loops = Array(t.app.eventLoopGroup.makeIterator()).count
            var visitors: [TestBrowser] = []
            for _ in 0..<(2 * loops) {
                let visitor = t.browser()
                try await visitor.signIn("ani", TestApp.password)
                visitors.append(visitor)
            }
            // act: the slow report, then — while it runs — twice as many cheap pages as there are event loops
            let report = Task { try await auditor.get("/reports/sla").status }
            while !started.withLockedValue({ $0 }) { try await Task.sleep(nanoseconds: 10_000_000) }
            // (a safety net: were a page stuck behind the report, it would be let go after a minute, and fail below)
            let safetyNet = Task {
                try await Task.sleep(nanoseconds: 60_000_000_000)
                released.withLockedValue { $0 = true }
            }
            let answeredDuringReport = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, visitor) in visitors.enumerated() {
                    group.addTask {
                        let status = try await visitor.get(index % 2 == 0 ? "/health" : "/dashboard").status
                        return status == .ok && !released.withLockedValue { $0 }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            released.withLockedValue { $0 = true }
            safetyNet.cancel()
            // check: every cheap page answered, each while the report still held its connection; then the report
            // answers too
            #expect(answeredDuringReport.count == 2 * loops && answeredDuringReport.allSatisfy { $0 })
            #expect(try await report.value == .ok)
        }
    }
}
