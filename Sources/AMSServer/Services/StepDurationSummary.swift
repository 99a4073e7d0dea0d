import AMSCore
import Foundation
import SQLKit

/// The time-standard report's numbers, worked out by the database: per group (everything, an agency, an operator)
/// and step, the count, the nearest-rank median and 90th percentile, and how many finished within the step's
/// standard — only those rows come back, never the step timings themselves.
///
/// Nearest rank as ``AMSCore/DurationStatistics`` takes it: the value at position ⌈p·n⌉ of the sorted durations, so
/// every figure is one that was measured; the same SQL on SQLite (durations of REAL seconds) and PostgreSQL
/// (timestamps subtracted).
struct StepDurationSummary {
    enum Dimension {
        case all, agency, endedBy

        var column: String? {
            switch self {
            case .all: return nil
            case .agency: return "agency_id"
            case .endedBy: return "ended_by_id"
            }
        }
    }

    struct Row: Sendable {
        /// The agency's or operator's id; nil for `.all`.
        let group: UUID?
        let step: WorkflowStep
        let count: Int
        let median: TimeInterval
        let percentile90: TimeInterval
        let withinStandard: Int

        var statistics: DurationStatistics {
            DurationStatistics(count: count, median: median, percentile90: percentile90,
                               shareWithinLimit: Double(withinStandard) / Double(max(count, 1)))
        }
    }

    let database: any SQLDatabase
    let standards: TimeStandards

    /// The rows for timings that started in `from..<to`, within `agency` when given.
    func rows(_ dimension: Dimension, from: Date, to: Date, agency: UUID?) async throws -> [Row] {
        let duration: SQLQueryString = database.dialect.name == "postgresql"
            ? "CAST(EXTRACT(EPOCH FROM (\(ident: "ended_at") - \(ident: "started_at"))) AS DOUBLE PRECISION)"
            : "(\(ident: "ended_at") - \(ident: "started_at"))"
        // the group's column leads the partition and the grouping; everything is one group per step
        let grouped: SQLQueryString = dimension.column.map { "\(ident: $0), " } ?? ""
        let groupOut: SQLQueryString = dimension.column.map { "\(ident: $0) AS grp, " } ?? ""
        let groupKey: SQLQueryString = dimension.column == nil ? "" : "grp, "
        var conditions: SQLQueryString = "\(ident: "ended_at") IS NOT NULL AND \(ident: "started_at") >= \(bind: from) AND \(ident: "started_at") < \(bind: to)"
        if let column = dimension.column { conditions = conditions + " AND \(ident: column) IS NOT NULL" }
        if let agency { conditions = conditions + " AND \(ident: "agency_id") = \(bind: agency)" }
        let limit = "CASE \(ident: "step")" + WorkflowStep.allCases.map { step -> SQLQueryString in
            " WHEN \(bind: step.rawValue) THEN \(bind: standards.limit(for: step))"
        }.joined(separator: "") + " END"
        let query: SQLQueryString = """
            WITH ranked AS (
                SELECT \(groupOut)\(ident: "step") AS step, \(duration) AS seconds, \(limit) AS standard,
                       ROW_NUMBER() OVER (PARTITION BY \(grouped)\(ident: "step") ORDER BY \(duration)) AS position,
                       COUNT(*) OVER (PARTITION BY \(grouped)\(ident: "step")) AS total
                FROM \(ident: "registration_step_timings") WHERE \(conditions)
            )
            SELECT \(groupKey)step, total,
                   MIN(CASE WHEN position = (total + 1) / 2 THEN seconds END) AS median,
                   MIN(CASE WHEN position = (9 * total + 9) / 10 THEN seconds END) AS p90,
                   SUM(CASE WHEN seconds <= standard THEN 1 ELSE 0 END) AS within
            FROM ranked GROUP BY \(groupKey)step, total
            """
        return try await database.raw(query).all().compactMap { row in
            guard let step = WorkflowStep(rawValue: try row.decode(column: "step", as: String.self)) else { return nil }
            return Row(group: dimension.column == nil ? nil : try row.decode(column: "grp", as: UUID.self), step: step,
                       count: try row.decode(column: "total", as: Int.self), median: try row.decode(column: "median", as: Double.self),
                       percentile90: try row.decode(column: "p90", as: Double.self), withinStandard: try row.decode(column: "within", as: Int.self))
        }
    }
}
