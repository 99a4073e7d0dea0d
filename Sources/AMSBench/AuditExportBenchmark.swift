import AMSServer
import Foundation
import NIOCore

/// The audit CSV export at size (issue 20): `entries` synthetic entries appended through the real chain, then, in each
/// of `rounds` rounds, the export written to a counting sink as the page streams it and the full chain verification
/// over the same log. It keeps every round's time (the machine's speed varies between rounds) and the process's
/// resident memory before and after the first export (the export must not grow with the log).
struct AuditExportBenchmark {
    let fixture: BenchFixture
    let entries: Int
    let rounds: Int

    struct Result {
        let engine: String
        /// The log's length: the synthetic entries and the fixture's own.
        let entries: Int
        let bytes: Int
        let residentBeforeKiB: Int
        let residentAfterKiB: Int
        /// Each round's export, in seconds.
        let exportSeconds: [Double]
        /// Each round's `ams audit verify --full` over the same log, in seconds.
        let verifySeconds: [Double]

        /// Rows a second of each round's export, slowest first.
        var rowsPerSecond: [Double] { exportSeconds.map { Double(entries) / $0 }.sorted() }
        /// Entries a second of each round's verification, slowest first.
        var verifiedPerSecond: [Double] { verifySeconds.map { Double(entries) / $0 }.sorted() }
    }

    func run() async throws -> Result {
        try await SyntheticAuditEntries.append(entries, services: fixture.app.ams, on: fixture.app.db)
        let before = BenchProcess.residentKiB()
        var bytes = 0, after = 0, logLength = 0
        var exportSeconds: [Double] = [], verifySeconds: [Double] = []
        for round in 0..<rounds {
            bytes = 0
            let started = Date()
            let rows = try await AuditCSVExport(database: fixture.app.db).write { bytes += $0.readableBytes }
            exportSeconds.append(Date().timeIntervalSince(started))
            guard rows >= entries else { throw BenchFailure("the export wrote \(rows) of \(entries) entries") }
            logLength = rows
            if round == 0 { after = BenchProcess.residentKiB() }
            let verifyStarted = Date()
            let report = try await fixture.app.ams.auditVerifier.verify(on: fixture.app.db)
            verifySeconds.append(Date().timeIntervalSince(verifyStarted))
            guard report.isIntact else { throw BenchFailure("the synthetic log does not verify") }
        }
        return Result(engine: fixture.engine, entries: logLength, bytes: bytes, residentBeforeKiB: before, residentAfterKiB: after,
                      exportSeconds: exportSeconds, verifySeconds: verifySeconds)
    }
}
