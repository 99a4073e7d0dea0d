import AMSCore
import Fluent
import Foundation
import SQLKit

/// The time-standard report's figures for a period of whole UTC days: the daily tallies the rollup pass keeps
/// (``StepDurationRollup``) plus the ended timings it has not counted yet, read in one snapshot so each timing counts
/// exactly once even while a pass commits. A year of national data is a few hundred tallies instead of millions of
/// timings. Per group and step the count and the share within the standard are exact; the median and 90th
/// percentile are nearest-rank figures read from the tallies' 1 % bins (see ``AMSCore/DurationHistogram``).
struct StepDurationSummary {
    /// Tallies read per query (a month's worth), so a year's never sit in memory at once.
    static let daysPerRead = 31

    let database: any Database
    let standards: TimeStandards

    /// The breakdown of the steps that started on the days `days` (days since 1970-01-01), within `agency` when given.
    func breakdown(days: Range<Int>, agency: UUID?) async throws -> StepDurationBreakdown {
        try await database.withConnection { connection in
            try await Self.inSnapshot(connection) {
                var breakdown = StepDurationBreakdown(onlyAgency: agency)
                for start in stride(from: days.lowerBound, to: days.upperBound, by: Self.daysPerRead) {
                    let tallies = try await StepDurationDayModel.query(on: connection).filter(\.$id >= start)
                        .filter(\.$id < min(start + Self.daysPerRead, days.upperBound)).all()
                    for record in tallies { try breakdown.add(encoded: Array(record.tally)) }
                }
                breakdown.add(try await uncounted(days: days, agency: agency, on: connection))
                return breakdown
            }
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
