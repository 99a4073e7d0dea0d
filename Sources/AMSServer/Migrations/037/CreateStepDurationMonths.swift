import AMSCore
import Fluent
import Foundation
import SQLKit

/// The time-standard report's month tallies (``StepDurationPeriod/month``): one row per UTC calendar month of step
/// starts, holding the sum of that month's day tallies, so a year's report adds a dozen tallies instead of 365. The
/// months are filled from the day tallies already kept, each day's counted as it was (its share within the standards
/// in force when it was counted), a month at a time.
struct CreateStepDurationMonths: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("step_duration_months")
            .field("month", .int64, .identifier(auto: false))
            .field("tally", .data, .required)
            .create()
        let days = StepDurationDayModel.query(on: database)
        guard let first = try await days.copy().min(\.$id), let last = try await days.copy().max(\.$id) else { return }
        let months = StepDurationPeriod.month
        for month in months.number(of: first)...months.number(of: last) {
            let start = StepDurationPeriod.firstDay(ofMonth: month), end = StepDurationPeriod.firstDay(ofMonth: month + 1)
            var tally = StepDurationTally()
            for day in try await days.copy().filter(\.$id >= start).filter(\.$id < end).all() {
                tally.add(try StepDurationTally(decoding: Array(day.tally)))
            }
            guard !tally.entries.isEmpty else { continue }
            try await (database as! any SQLDatabase).insert(into: "step_duration_months").columns("month", "tally")
                .values(SQLBind(month), SQLBind(Data(tally.encoded()))).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("step_duration_months").delete()
    }
}
