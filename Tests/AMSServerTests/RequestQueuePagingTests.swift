@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 20: the operators' queue a page at a time without OFFSET or a sort of the whole queue. Following "next" from
/// the first page shows every open request exactly once in the queue's order — past the time standard first, then
/// the rest waiting in a step (longest first, ties by id, also across statuses), then those nobody is timed on
/// (newest first); "overdue only" is that order's first part; the search finds a tracking number exactly and a name
/// by its beginning in any case.
@Suite("The operators' queue: keyset pages in queue order, and the search")
struct RequestQueuePagingTests {
    static func trackingNumbers(_ html: String) -> [String] {
        html.components(separatedBy: "<code>").dropFirst().compactMap { part in
            let number = String(part.prefix { $0 != "<" })
            return TrackingNumber.isWellFormed(number) ? number : nil
        }
    }

    /// Every page from `start` on, following rel="next".
    static func walk(_ browser: TestBrowser, from start: String) async throws -> (numbers: [String], pages: Int) {
        var page = try await browser.get(start).body.string
        var numbers: [String] = []
        var pages = 1
        while true {
            numbers += trackingNumbers(page)
            guard let range = page.range(of: #"href="(\?[^"]*after=[^"]+)" rel="next""#, options: .regularExpression) else { break }
            let link = String(page[range]).dropFirst(6).prefix { $0 != "\"" }.replacingOccurrences(of: "&amp;", with: "&")
            page = try await browser.get("/requests" + link).body.string
            pages += 1
        }
        return (numbers, pages)
    }

    @Test(arguments: TestDatabase.all)
    func nextPagesShowEveryOpenRequestOnceInQueueOrder(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: 80 made-up requests of one agency, put into six open statuses; pairs share the same waiting (or
            // creation) instant across statuses, and the waits straddle each step's standard
            let agency = try await t.agency()
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            let now = t.clock.now
            try await SyntheticRegistrations(agencyIDs: [agency.id!], agencyOperators: [:], caOperators: [], now: now).append(80, on: t.db)
            let statuses: [RegistrationStatus] = [.forwardedToCA, .agencyConfirmed, .activationSent, .submitted, .returnedByAgency, .dataReturned]
            let made = try await RegistrationRequestModel.query(on: t.db).all()
            for (index, request) in made.enumerated() {
                request.status = statuses[index % statuses.count]
                request.currentStep = WorkflowStep.current(for: request.status)
                request.stepStartedAt = request.currentStep == nil ? nil : now.addingTimeInterval(-Double(30 + index / 2 * 15))
                request.createdAt = now.addingTimeInterval(-86_400 - Double(index / 2 * 60))
                try await request.save(on: t.db)
            }
            let standards = t.services.configuration.timeStandards
            func overdue(_ request: RegistrationRequestModel) -> Bool {
                guard let step = request.currentStep, let since = request.stepStartedAt else { return false }
                return now.timeIntervalSince(since) > standards.limit(for: step)
            }
            let timed = made.filter { $0.currentStep != nil }.sorted { ($0.stepStartedAt!, $0.id!.uuidString) < ($1.stepStartedAt!, $1.id!.uuidString) }
            let untimed = made.filter { $0.currentStep == nil }.sorted { ($0.createdAt, $0.id!.uuidString) > ($1.createdAt, $1.id!.uuidString) }
            let expected = (timed.filter(overdue) + timed.filter { !overdue($0) } + untimed).map(\.trackingNumber)
            #expect(!timed.filter(overdue).isEmpty && timed.contains { !overdue($0) })
            let desk = t.browser()
            try await desk.signIn("op.sumbar", TestApp.password)
            // act + check: every open request once, in the queue's order, over four pages of 25
            let all = try await Self.walk(desk, from: "/requests?all=1")
            #expect(all.pages == 4)
            #expect(all.numbers == expected)
            // overdue only: the order's first part
            let late = try await Self.walk(desk, from: "/requests?all=1&overdue=1")
            #expect(late.numbers == timed.filter(overdue).map(\.trackingNumber))
            // one status: its requests alone, in the same order
            let one = try await Self.walk(desk, from: "/requests?status=submitted")
            #expect(one.numbers == expected.filter { number in made.first { $0.trackingNumber == number }!.status == .submitted })
            // search: a tracking number, NIP and NIK exactly; a name by its beginning, lower case
            let target = made[7]
            #expect(Self.trackingNumbers(try await desk.get("/requests?all=1&q=\(target.trackingNumber.lowercased())").body.string)
                == [target.trackingNumber])
            // a NIP and a NIK exactly
            for exact in [target.nip, target.nik] {
                #expect(Self.trackingNumbers(try await desk.get("/requests?all=1&q=\(exact)").body.string) == [target.trackingNumber])
            }
            let given = try #require(target.givenName)
            let named = try await Self.walk(desk, from: "/requests?all=1&q=\(given.lowercased())")
            #expect(Set(named.numbers) == Set(made.filter { $0.fullName.hasPrefix(given + " ") }.map(\.trackingNumber)))
            #expect(named.numbers == expected.filter { Set(named.numbers).contains($0) })
            // nobody's name, and digits that are no tracking number, NIP or NIK here: nothing
            for nothing in ["zzqx", "99999999"] {
                let page = try await desk.get("/requests?all=1&q=\(nothing)")
                #expect(page.status == .ok && Self.trackingNumbers(page.body.string).isEmpty, "\(nothing)")
            }
        }
    }
}
