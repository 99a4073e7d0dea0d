import Foundation

/// The operator pages at national size (issue 20), written by `ams-bench --pages`.
extension BenchReport {
    static let pagesHeading = "## Operator pages at national size"

    static func pagesSection(_ results: [PageBenchmark.Result]) -> [String] {
        func size(_ count: Int) -> String {
            count >= 1_000_000 ? "\(count / 1_000_000)M" : count >= 1000 ? "\(count / 1000)k" : String(count)
        }
        func mib(_ kib: Int) -> String { "\(kib / 1024) MiB" }
        let columns = results.map { "\($0.engine) \(size($0.size))" }
        var lines = [
            pagesHeading,
            "",
            "`ams-bench --pages` (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores): `ams dev seed` with N requests, N certificates",
            "and 10·N audit entries (at most 1M: the log pages by its key whatever its length), then `ams serve` as its own process, a CA operator and an auditor signed in over HTTP; each page",
            "asked for 40 times in a row after 3 warm-ups (a page that takes seconds: for 20 s, at least 5 times; its sample count",
            "is then given). Cells: median / slowest, in ms. Goal: under 100 ms at the",
            "largest size, and the largest size's median within 2× of the smallest's.",
            "",
            "| page | " + columns.joined(separator: " | ") + " | goal |",
            "| --- | " + columns.map { _ in "---:" }.joined(separator: " | ") + " | --- |",
        ]
        let pages = results.first?.timings.map(\.page) ?? []
        for page in pages {
            let timings = results.map { result in result.timings.first { $0.page == page } }
            let cells = timings.map { timing in
                timing.map { String(format: "%.1f / %.1f", $0.median * 1000, $0.slowest * 1000) + ($0.samples < 40 ? " (\($0.samples)×)" : "") } ?? "—"
            }
            var verdicts: [String] = []
            for engine in Set(results.map(\.engine)).sorted() {
                let runs = results.filter { $0.engine == engine }.sorted { $0.size < $1.size }
                guard let small = runs.first?.timings.first(where: { $0.page == page }),
                      let large = runs.last?.timings.first(where: { $0.page == page }) else { continue }
                let met = large.slowest < 0.1 && large.median <= 2 * max(small.median, 0.001)
                verdicts.append("\(engine): " + (met ? "met" : "not met"))
            }
            lines.append("| \(page) | " + cells.joined(separator: " | ") + " | " + verdicts.joined(separator: ", ") + " |")
        }
        let loads = results.map { String(format: "%.0f/s, p99 %.0f ms", $0.load.perSecond, $0.load.p99 * 1000) + ($0.load.failed > 0 ? ", \($0.load.failed) failed" : "") }
        var loadVerdicts: [String] = []
        for engine in Set(results.map(\.engine)).sorted() {
            let runs = results.filter { $0.engine == engine }.sorted { $0.size < $1.size }
            guard let small = runs.first?.load, let large = runs.last?.load else { continue }
            loadVerdicts.append("\(engine): " + (large.perSecond >= 0.8 * small.perSecond && large.p99 < 0.3 && large.failed == 0 ? "met" : "not met"))
        }
        lines.append("| mixed load: \(PageBenchmark.connections) visitors at once for \(Int(PageBenchmark.loadSeconds)) s over the pages above but the report | "
            + loads.joined(separator: " | ") + " | ≥ 80% of the smallest size's rate, p99 under 300 ms: " + loadVerdicts.joined(separator: ", ") + " |")
        lines.append("| resident memory of `ams serve`: idle → after the round → 5 s later | "
            + results.map { "\(mib($0.residentIdleKiB)) → \(mib($0.residentAfterKiB)) → \(mib($0.residentSettledKiB))" }.joined(separator: " | ")
            + " | under 300 MiB |")
        lines.append("| seeding (`ams dev seed`) | " + results.map { String(format: "%.0f s", $0.seedSeconds) }.joined(separator: " | ") + " | |")
        lines.append("")
        return lines
    }
}
