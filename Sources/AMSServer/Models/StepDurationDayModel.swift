import Fluent
import Foundation

/// One UTC day's ``AMSCore/StepDurationTally``: the step timings that started that day and have been counted, in
/// the tally's byte form.
final class StepDurationDayModel: Model, @unchecked Sendable {
    static let schema = "step_duration_days"

    /// Days since 1970-01-01 (UTC).
    @ID(custom: "day", generatedBy: .user) var id: Int?
    @Field(key: "tally") var tally: Data

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    var properties: [any AnyProperty] {
        [
            $id, $tally
        ]
    }

    init() {}

    init(day: Int, tally: Data) {
        self.id = day
        self.tally = tally
    }

    /// The UTC day a moment falls in, as days since 1970-01-01.
    static func day(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The moment a day begins.
    static func start(of day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400)
    }
}
