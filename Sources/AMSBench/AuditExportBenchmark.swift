import AMSServer
import Foundation
import NIOCore

/// The audit CSV export at size (issue 20): `entries` synthetic entries appended through the real chain, then the
/// export written to a counting sink as the page streams it — rows a second, and the process's resident memory before
/// and after (the export must not grow with the log); then the full chain verification over the same log.
struct AuditExportBenchmark {
    let fixture: BenchFixture
    let entries: Int

    struct Result {
        let engine: String
        let entries: Int
        let seconds: Double
        let bytes: Int
        let residentBeforeKiB: Int
        let residentAfterKiB: Int
        /// `ams audit verify --full` over the same log.
        let verifySeconds: Double
        var rowsPerSecond: Double { Double(entries) / seconds }
        var verifiedPerSecond: Double { Double(entries) / verifySeconds }
    }

    func run() async throws -> Result {
        try await SyntheticAuditEntries.append(entries, services: fixture.app.ams, on: fixture.app.db)
        let before = BenchProcess.residentKiB()
        var bytes = 0
        let started = Date()
        let rows = try await AuditCSVExport(database: fixture.app.db).write { bytes += $0.readableBytes }
        let seconds = Date().timeIntervalSince(started)
        guard rows >= entries else { throw BenchFailure("the export wrote \(rows) of \(entries) entries") }
        let after = BenchProcess.residentKiB()
        let verifyStarted = Date()
        let report = try await fixture.app.ams.auditVerifier.verify(on: fixture.app.db)
        guard report.isIntact else { throw BenchFailure("the synthetic log does not verify") }
        return Result(engine: fixture.engine, entries: rows, seconds: seconds, bytes: bytes, residentBeforeKiB: before,
                      residentAfterKiB: after, verifySeconds: Date().timeIntervalSince(verifyStarted))
    }
}
