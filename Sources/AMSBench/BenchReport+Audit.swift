import Foundation

/// The audit export and the chain verification at size (issue 20), written by `ams-bench --audit-export N`.
extension BenchReport {
    static let auditHeading = "## Audit export and verification"
    /// The goals: the CSV export streams at least this many rows a second, the full verification checks at least this
    /// many entries a second.
    static let exportGoal = 100_000.0
    static let verifyGoal = 200_000.0

    static func auditSection(_ results: [AuditExportBenchmark.Result]) -> [String] {
        func rates(_ values: [Double]) -> String {
            guard let slowest = values.first, let fastest = values.last else { return "—" }
            return String(format: "%.0fk (%.0fk–%.0fk)", values[values.count / 2] / 1000, slowest / 1000, fastest / 1000)
        }
        func verdict(_ values: [Double], _ goal: Double) -> String {
            values.isEmpty ? "—" : values[values.count / 2] >= goal ? "met" : "not met"
        }
        let rounds = results.first?.exportSeconds.count ?? 0
        var lines = [
            auditHeading,
            "",
            "`ams-bench --audit-export N` (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores): N synthetic entries "
                + "appended",
            "through the real HMAC chain, then \(rounds) rounds of the audit CSV export (streamed to a counting sink, as the page",
            "streams it) and of `ams audit verify --full` over the same log. Rates: the median round (slowest–fastest), per second.",
            "Goals: the export at \(Int(exportGoal / 1000))k rows/s or more with flat memory, the verification at",
            "\(Int(verifyGoal / 1000))k entries/s or more.",
            "",
            "| engine | entries | export, rows/s | CSV | resident memory: before → after the export | verify, entries/s | goal |",
            "| --- | ---: | ---: | ---: | --- | ---: | --- |",
        ]
        for result in results {
            let goal = "export: \(verdict(result.rowsPerSecond, exportGoal)), verify: \(verdict(result.verifiedPerSecond, verifyGoal))"
            let memory = "\(result.residentBeforeKiB / 1024) MiB → \(result.residentAfterKiB / 1024) MiB"
            lines.append("| \(result.engine) | \(result.entries) | \(rates(result.rowsPerSecond)) | "
                + String(format: "%.1f MiB", Double(result.bytes) / 1_048_576) + " | \(memory) | \(rates(result.verifiedPerSecond)) | \(goal) |")
        }
        return lines + [""]
    }
}
