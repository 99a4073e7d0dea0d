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
            for heading in ["Per tahap", "Per instansi", "Per operator"] { #expect(page.body.string.contains("<h2>\(heading)</h2>")) }
            // a row is marked met from 90 % of its steps within the standard
            #expect(page.body.string.contains("<span class=\"pill ok\">100%</span>"))
            #expect(page.body.string.contains("<span class=\"pill bad\">50%</span>"))
            let lines = csv.body.string.split(separator: "\r\n").map(String.init)
            #expect(lines.contains("all,Semua,agency_check,2,2 m 0 s,4 m 0 s,50%,3 m 0 s,120,240"))
            #expect(lines.contains("all,Semua,ca_registration,2,30 s,5 m 0 s,50%,1 m 0 s,30,300"))
            #expect(lines.contains("all,Semua,verification,2,4 m 0 s,6 m 0 s,50%,5 m 0 s,240,360"))
            #expect(lines.contains("agency,Diskominfo Provinsi Sumatera Barat,applicant_data,2,1 m 0 s,2 m 0 s,100%,3 m 0 s,60,120"))
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

/// Issue 20: the report reads month and day tallies (``StepDurationRollup``) plus the timings no tally counts yet; its counts
/// and shares are exactly those ``DurationStatistics`` works out from the step timings themselves and its percentiles
/// are measured durations in the same 1 % bin as the exact figures; a slow report runs on connections of its own, so
/// pages on every event loop answer while it runs.
@Suite("Time-standard report at size: day and month tallies, on its own connections")
struct SLAReportAtSizeTests {
    /// Per "dimension,group,step": the exact figures from the timings, by the definition in AMSCore.
    private struct Expected {
        let count: Int
        let within: String
        let standard: String
        let median: Double
        let percentile90: Double
    }

    /// The figures of the timings that started on `days` (days since 1970-01-01; every ended timing when nil).
    private func expectedFigures(_ t: TestApp, agencyNames: [UUID: String], days: Range<Int>? = nil) async throws -> [String: Expected] {
        let standards = t.services.configuration.timeStandards
        let timings = try await StepTimingModel.query(on: t.db).filter(\.$endedAt != nil).all()
            .filter { days?.contains(StepDurationDayModel.day(of: $0.startedAt)) ?? true }
        let names = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: t.db).all().map { ($0.id!, $0.username) })
        var expected: [String: Expected] = [:]
        for (dimension, key) in [("all", { (_: StepTimingModel) -> String? in "Semua" }), ("agency", { agencyNames[$0.agencyID] }),
                                 ("operator", { $0.endedByID.flatMap { names[$0] } })] {
            let groups = Dictionary(grouping: timings.filter { key($0) != nil }) { "\(dimension),\(key($0)!),\($0.step.rawValue)" }
            for (label, members) in groups {
                let step = members[0].step
                let stats = try #require(DurationStatistics(members.map { $0.endedAt!.timeIntervalSince($0.startedAt) }, limit: standards.limit(for: step)))
                expected[label] = Expected(count: stats.count, within: "\(Int((stats.shareWithinLimit * 100).rounded()))%",
                                           standard: SLAReportController.seconds(standards.limit(for: step)),
                                           median: stats.median, percentile90: stats.percentile90)
            }
        }
        return expected
    }

    @Test(arguments: TestDatabase.all)
    func figuresAreThoseOfTheTimingsThemselvesCountedOnce(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: 600 made-up requests of two agencies, steps ended by named operators; the first 300 counted into
            // the daily tallies by a pass, the rest not yet
            let sumbar = try await t.agency(), riau = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            var agencyOperators: [UUID: [UUID]] = [:]
            for (agency, name) in [(sumbar, "op.sumbar"), (riau, "op.riau")] {
                agencyOperators[agency.id!] = [try await t.user(name, role: .agencyOperator, agency: agency).id!]
            }
            let caOperators = [try await t.user("ca.satu", role: .caOperator).id!, try await t.user("ca.dua", role: .caOperator).id!]
            try await t.user("ani", role: .auditor)
            let seed = SyntheticRegistrations(agencyIDs: [sumbar.id!, riau.id!], agencyOperators: agencyOperators, caOperators: caOperators,
                                              now: t.clock.now)
            let rollup = StepDurationRollup(database: t.db, standards: t.services.configuration.timeStandards)
            try await seed.append(300, on: t.db)
            let countedFirst = try await rollup.rollUp()
            try await seed.append(300, first: 300, on: t.db)
            let expected = try await expectedFigures(t, agencyNames: [sumbar.id!: sumbar.name, riau.id!: riau.name])
            #expect(expected.count >= 20)
            // act: the report over the whole made-up year, before and after a pass counts the other half
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            let from = t.clock.now.addingTimeInterval(-400 * 86_400).formatted(.iso8601.year().month().day())
            let halfCounted = try await auditor.get("/reports/sla.csv?from=\(from)").body.string
            let countedSecond = try await rollup.rollUp()
            let allCounted = try await auditor.get("/reports/sla.csv?from=\(from)").body.string
            // check: the same rows as the timings give, each timing once, whether a tally counts it or not yet
            let ended = try await StepTimingModel.query(on: t.db).filter(\.$endedAt != nil).count()
            #expect(countedFirst > 0 && countedSecond > 0 && countedFirst + countedSecond == ended)
            #expect(try await rollup.rollUp() == 0, "a pass after the last counts nothing again")
            #expect(halfCounted == allCounted)
            Self.expectRows(of: allCounted, are: expected)
            // a period beginning and ending within months (whole months read as month tallies, the days at its edges as
            // day tallies), and one within a single month: the figures of the timings that started on its days
            let today = StepDurationDayModel.day(of: t.clock.now)
            for days in [(today - 250)..<(today - 40), (today - 100)..<(today - 95)] {
                let text = { (day: Int) in StepDurationDayModel.start(of: day).formatted(.iso8601.year().month().day()) }
                let report = try await auditor.get("/reports/sla.csv?from=\(text(days.lowerBound))&to=\(text(days.upperBound - 1))").body.string
                let inPeriod = try await expectedFigures(t, agencyNames: [sumbar.id!: sumbar.name, riau.id!: riau.name], days: days)
                #expect(!inPeriod.isEmpty)
                Self.expectRows(of: report, are: inPeriod)
            }
        }
    }

    /// The CSV report has one row per expected figure, and each row's figures are those.
    private static func expectRows(of csv: String, are expected: [String: Expected]) {
        let lines = csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count == expected.count)
        for fields in lines {
            guard let figures = expected[fields[0...2].joined(separator: ",")] else { Issue.record("an unexpected row: \(fields)"); continue }
            #expect(fields.count == 10 && Int(fields[3]) == figures.count && fields[6] == figures.within && fields[7] == figures.standard)
            // a percentile is a measured duration at most one 1 % bin above the exact figure (whole seconds here)
            for (text, exact) in [(fields[8], figures.median), (fields[9], figures.percentile90)] {
                guard let seconds = Double(text) else { Issue.record("not seconds: \(fields)"); continue }
                #expect(seconds >= exact.rounded(.up) && seconds <= (max(exact * 1.01, exact + 1)).rounded(.up), "\(fields)")
            }
        }
    }

    /// Several instances run on PostgreSQL only (SQLite is one process's database), so this runs there.
    @Test(arguments: TestDatabase.all.filter { $0 == .postgres })
    func twoPassesAtOnceCountEachTimingOnce(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let agencyOperator = try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let caOperator = try await t.user("ca.satu", role: .caOperator)
            try await SyntheticRegistrations(agencyIDs: [agency.id!], agencyOperators: [agency.id!: [agencyOperator.id!]],
                                             caOperators: [caOperator.id!], now: t.clock.now).append(40, on: t.db)
            let rollup = StepDurationRollup(database: t.db, standards: t.services.configuration.timeStandards)
            // act: two passes started together (as two instances' workers would)
            async let first = rollup.rollUp()
            async let second = rollup.rollUp()
            let counted = try await first + second
            // check: every ended timing counted once, in the tallies and by the passes
            let ended = try await StepTimingModel.query(on: t.db).filter(\.$endedAt != nil).count()
            #expect(ended > 0 && counted == ended)
            for period in StepDurationPeriod.allCases {
                var tallied = 0
                for row in try await t.sql.raw("SELECT tally FROM \(ident: period.table)").all() {
                    let tally = try StepDurationTally(decoding: Array(try row.decode(column: "tally", as: Data.self)))
                    tallied += tally.entries.values.map(\.histogram.total).reduce(0, +)
                }
                #expect(tallied == ended, "\(period)")
            }
            #expect(try await StepTimingModel.notCounted(on: t.db).count() == 0)
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
