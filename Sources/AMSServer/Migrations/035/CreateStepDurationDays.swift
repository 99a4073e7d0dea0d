import Fluent
import SQLKit

/// The time-standard report's daily tallies: one row per UTC day of step starts holding that day's
/// ``AMSCore/StepDurationTally`` in its byte form, and on each step timing whether it is counted there yet. An index
/// of the timings not yet counted (ended, `rolled_up` false) by start, so the rollup pass and the report's live part
/// read only those.
struct CreateStepDurationDays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("step_duration_days")
            .field("day", .int64, .identifier(auto: false))
            .field("tally", .data, .required)
            .create()
        try await database.schema("registration_step_timings")
            .field("rolled_up", .bool, .required, .sql(.default(false)))
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE INDEX \(ident: "registration_step_timings_unrolled") ON \(ident: "registration_step_timings") (\(ident: "started_at"))
            WHERE NOT \(ident: "rolled_up") AND \(ident: "ended_at") IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "registration_step_timings_unrolled").run() }
        try await database.schema("registration_step_timings").deleteField("rolled_up").update()
        try await database.schema("step_duration_days").delete()
    }
}
