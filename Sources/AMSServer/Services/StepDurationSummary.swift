import AMSCore
import Fluent
import Foundation
import SQLKit

/// The time-standard report's figures for a period of whole UTC days: the tallies the rollup pass keeps
/// (``StepDurationRollup``) — one per whole month of the period, one per day at its edges — plus the ended timings it
/// has not counted yet, read in one snapshot so each timing counts exactly once even while a pass commits. A year of
/// national data is a dozen month tallies and at most sixty day tallies instead of millions of timings. Per group and
/// step the count and the share within the standard are exact; the median and 90th percentile are nearest-rank figures
/// read from the tallies' 1 % bins (see ``AMSCore/DurationHistogram``).
struct StepDurationSummary {
    /// Tallies read per query, so a long period's never sit in memory at once.
    static let talliesPerRead = 31

    let database: any Database
    let standards: TimeStandards

    /// The breakdown of the steps that started on the days `days` (days since 1970-01-01), within `agency` when given.
    func breakdown(days: Range<Int>, agency: UUID?) async throws -> StepDurationBreakdown {
        try await database.withConnection { connection in
            try await Self.inSnapshot(connection) {
                var breakdown = StepDurationBreakdown(onlyAgency: agency)
                let cover = StepDurationPeriod.cover(days: days)
                try await add(.month, cover.months, to: &breakdown, on: connection)
                for edge in cover.days { try await add(.day, edge, to: &breakdown, on: connection) }
                breakdown.add(try await uncounted(days: days, agency: agency, on: connection))
                return breakdown
            }
        }
    }

    /// Adds the tallies of the periods numbered `numbers`.
    private func add(_ period: StepDurationPeriod, _ numbers: Range<Int>, to breakdown: inout StepDurationBreakdown,
                     on connection: any Database) async throws {
        let sql = connection as! any SQLDatabase
        for start in stride(from: numbers.lowerBound, to: numbers.upperBound, by: Self.talliesPerRead) {
            let end = min(start + Self.talliesPerRead, numbers.upperBound)
            let rows = try await sql.raw("""
                SELECT tally FROM \(ident: period.table) WHERE \(ident: period.column) >= \(bind: start) AND \(ident: period.column) < \(bind: end)
                """).all()
            for row in rows { try breakdown.add(encoded: Array(try row.decode(column: "tally", as: Data.self))) }
        }
    }

    /// The ended timings of the period that no tally counts yet (those ended since the last pass), tallied here.
    private func uncounted(days: Range<Int>, agency: UUID?, on connection: any Database) async throws -> StepDurationTally {
        var query = StepTimingModel.notCounted(on: connection).filter(\.$startedAt >= StepDurationDayModel.start(of: days.lowerBound))
            .filter(\.$startedAt < StepDurationDayModel.start(of: days.upperBound))
        if let agency { query = query.filter(\.$agencyID == agency) }
        var tally = StepDurationTally()
        for timing in try await query.all() {
            tally.add(timing, standards: standards)
        }
        return tally
    }

    /// Runs `body` in a read-only transaction that sees one state of the database throughout (SQLite: a read
    /// transaction on a WAL database; PostgreSQL: REPEATABLE READ), so a rollup pass committing meanwhile is seen
    /// either wholly or not at all.
    private static func inSnapshot<T: Sendable>(_ connection: any Database, _ body: () async throws -> T) async throws -> T {
        guard let sql = connection as? any SQLDatabase else { return try await body() }
        try await sql.raw(sql.dialect.name == "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN").run()
        do {
            let result = try await body()
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }
}
