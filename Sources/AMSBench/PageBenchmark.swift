import AMSCore
import AMSServer
import Fluent
import Foundation
import SQLKit
import Vapor

/// The operator pages at national size (issue 20): `ams dev seed` at `size` requests, `size` certificates and ten
/// audit entries per request (at most a million), then `ams serve` as its own process on that database, signed in as a CA operator and
/// as an auditor over HTTP, each page asked for 40 times in a row after a warm-up (fewer, at least five, for a page
/// that takes seconds): the median and the slowest per page, the server's resident memory idle, after the round and a
/// few seconds later.
struct PageBenchmark {
    let fixture: BenchFixture
    let size: Int
    let samples = 40
    /// Seconds a page is sampled for at most, once it has five samples.
    let budget = 20.0

    struct Timing {
        let page: String
        let median: Double
        let slowest: Double
        let samples: Int
    }

    struct Result {
        let engine: String
        let size: Int
        let seedSeconds: Double
        let timings: [Timing]
        let load: Load
        let residentIdleKiB: Int
        let residentAfterKiB: Int
        let residentSettledKiB: Int
    }

    /// What `connections` visitors at once, each asking for the next page of the mix as soon as the last answered,
    /// got in `loadSeconds`.
    struct Load {
        let perSecond: Double
        let p99: Double
        let failed: Int
    }

    static let password = "Bench-pages-2026!long"
    /// Ten audit entries a request, up to a million: the log pages by its key whatever its length, and seeding ten
    /// million entries takes longer than the rest of the run (the export and `ams audit verify` are measured at size by
    /// `--audit-export`).
    static func auditEntries(_ size: Int) -> Int { min(10 * size, 1_000_000) }
    static let connections = 50
    static let loadSeconds = 10.0
    /// The report is no page people browse: the mixed load leaves it out.
    static let reportPage = "SLA report, one year"

    /// The operator pages (the report aside) asked by `connections` visitors at once for `loadSeconds`.
    private func mixedLoad(_ pages: [(String, BenchBrowser.Session, String)]) async throws -> Load {
        let started = Date()
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for worker in 0..<Self.connections {
                group.addTask {
                    var latencies: [Double] = [], failed = 0, next = worker
                    while Date().timeIntervalSince(started) < Self.loadSeconds {
                        let (_, session, path) = pages[next % pages.count]
                        next += 1
                        let begun = DispatchTime.now().uptimeNanoseconds
                        let status = (try? await session.get(path)) ?? 0
                        if status == 200 { latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9) } else { failed += 1 }
                    }
                    return (latencies, failed)
                }
            }
            return try await group.reduce(into: [([Double], Int)]()) { $0.append($1) }
        }
        let latencies = results.flatMap(\.0).sorted()
        let elapsed = Date().timeIntervalSince(started)
        let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((0.99 * Double(latencies.count)).rounded(.up)) - 1)]
        return Load(perSecond: Double(latencies.count) / elapsed, p99: p99, failed: results.map(\.1).reduce(0, +))
    }

    func run(console: any Console) async throws -> Result {
        let app = fixture.app
        let seedStarted = Date()
        try await DevSeed(services: app.ams, database: app.db).run(.init(requests: size, certificates: size, audit: Self.auditEntries(size))) { line in
            console.print("  " + line)
        }
        let seedSeconds = Date().timeIntervalSince(seedStarted)
        let hash = try await app.ams.passwordHashing.hash(Self.password)
        for (name, role) in [("bench.pages.ca", Role.caOperator), ("bench.pages.auditor", Role.auditor)] {
            let user = UserModel(id: UUID(), username: name, email: "\(name)@bench.go.id", fullName: name, role: role, agencyID: nil,
                                 passwordHash: hash, passwordIsInitial: false, initialPasswordExpiresAt: nil, locale: "id", now: Date())
            try await user.create(on: app.db)
        }
        let targets = try await targets()
        // `ams serve` as in production
        let port = try OCSPBenchmark.freePort()
        let server = try BenchProcess.start(fixture.amsCommand(["serve"], extraEnvironment: ["AMS_LISTEN=127.0.0.1:\(port)"]),
                                            log: fixture.folder + "/ams-serve-pages.log")
        defer { if server.isRunning { BenchProcess.stop(server) } }
        app.http.client.configuration.redirectConfiguration = .disallow
        app.http.client.configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                                             concurrentHTTP1ConnectionsPerHostSoftLimit: Self.connections)
        let client = BenchBrowser(client: app.client, base: "http://127.0.0.1:\(port)")
        guard try await client.waitUntilUp() else {
            let log = (try? String(contentsOfFile: fixture.folder + "/ams-serve-pages.log", encoding: .utf8)) ?? ""
            throw BenchFailure("ams serve did not start: \(log.suffix(600))")
        }
        let idle = BenchProcess.residentKiB(of: server.processIdentifier)
        let ca = client.session(), auditor = client.session()
        try await ca.signIn("bench.pages.ca", Self.password)
        try await auditor.signIn("bench.pages.auditor", Self.password)
        var timings: [Timing] = []
        for (name, session, path) in targets.pages(ca: ca, auditor: auditor) {
            var seconds: [Double] = []
            let pageStarted = Date()
            var round = 0
            // 40 samples, or as many as fit in the page's time budget (a page of seconds still gets five)
            while seconds.count < samples && (seconds.count < 5 || Date().timeIntervalSince(pageStarted) < budget) {
                let started = DispatchTime.now().uptimeNanoseconds
                let status = try await session.get(path)
                guard status == 200 else { throw BenchFailure("\(name): \(path) answered \(status)") }
                if round >= 3 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
                round += 1
            }
            seconds.sort()
            timings.append(Timing(page: name, median: seconds[seconds.count / 2], slowest: seconds[seconds.count - 1], samples: seconds.count))
            console.print(String(format: "  %@: median %.1f ms, slowest %.1f ms of %d", name, seconds[seconds.count / 2] * 1000,
                                 seconds[seconds.count - 1] * 1000, seconds.count))
        }
        let load = try await mixedLoad(targets.pages(ca: ca, auditor: auditor).filter { $0.0 != Self.reportPage })
        console.print(String(format: "  mixed load, %d connections: %.0f requests/s, p99 %.1f ms, %d failed", Self.connections,
                             load.perSecond, load.p99 * 1000, load.failed))
        let after = BenchProcess.residentKiB(of: server.processIdentifier)
        try await Task.sleep(nanoseconds: 5_000_000_000)
        let settled = BenchProcess.residentKiB(of: server.processIdentifier)
        BenchProcess.stop(server)
        return Result(engine: fixture.engine, size: size, seedSeconds: seedSeconds, timings: timings, load: load, residentIdleKiB: idle,
                      residentAfterKiB: after, residentSettledKiB: settled)
    }

    /// What the pages are asked about: a request, a NIP, a place deep in the finished requests, a day half a year ago.
    struct Targets {
        let requestID: UUID
        let nip: String
        let deepCursor: String
        let halfYearAgo: String
        let yearAgo: String
        let today: String

        func pages(ca: BenchBrowser.Session, auditor: BenchBrowser.Session) -> [(String, BenchBrowser.Session, String)] {
            [
                ("/health", ca, "/health"),
                ("dashboard", ca, "/dashboard"),
                ("request page", ca, "/requests/\(requestID.uuidString)"),
                ("CA queue (waiting for me)", ca, "/requests"),
                ("CA queue, all open", ca, "/requests?all=1"),
                ("CA queue, search NIP", ca, "/requests?all=1&q=\(nip)"),
                ("CA queue, search name prefix", ca, "/requests?all=1&q=budi"),
                ("CA queue, overdue only", ca, "/requests?all=1&overdue=1"),
                ("CA queue, status=verified", ca, "/requests?status=verified"),
                ("CA queue, status=verified, halfway", ca, "/requests?status=verified&after=\(deepCursor)"),
                ("certificates, first page", ca, "/certificates"),
                ("certificates, half a year back", ca, "/certificates?day=\(halfYearAgo)"),
                (PageBenchmark.reportPage, auditor, "/reports/sla?from=\(yearAgo)&to=\(today)"),
                ("audit log, first page", auditor, "/audit"),
            ]
        }
    }

    private func targets() async throws -> Targets {
        // a finished request halfway down its list (newest first)
        guard let row = try await fixture.sql.raw("""
            SELECT id, nip, created_at FROM registration_requests WHERE status = 'verified'
            ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET \(unsafeRaw: String(size / 2))
            """).first() else { throw BenchFailure("no verified request was seeded") }
        let id = try row.decode(column: "id", as: UUID.self)
        let created = try row.decode(column: "created_at", as: Date.self)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let now = Date()
        return Targets(requestID: id, nip: try row.decode(column: "nip", as: String.self),
                       deepCursor: "2_\(created.timeIntervalSince1970)_\(id.uuidString)",
                       halfYearAgo: formatter.string(from: now.addingTimeInterval(-182 * 86_400)),
                       yearAgo: formatter.string(from: now.addingTimeInterval(-365 * 86_400)), today: formatter.string(from: now))
    }
}
