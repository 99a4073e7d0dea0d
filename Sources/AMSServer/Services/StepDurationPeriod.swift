import AMSPKI
import Foundation

/// The stretches of time the time-standard report's tallies cover, each kept in a table of its own: UTC days
/// (`step_duration_days`) and UTC calendar months (`step_duration_months`). The rollup pass counts each timing into
/// both; a report over a year reads a dozen month tallies and the days at its edges instead of 365 day tallies.
enum StepDurationPeriod: CaseIterable {
    case day
    case month

    /// The table holding one tally per period.
    var table: String {
        switch self {
        case .day: "step_duration_days"
        case .month: "step_duration_months"
        }
    }

    /// The column numbering the periods: days since 1970-01-01, or months since January 1970.
    var column: String {
        switch self {
        case .day: "day"
        case .month: "month"
        }
    }

    /// The number of the period that `day` (days since 1970-01-01) falls in.
    func number(of day: Int) -> Int {
        switch self {
        case .day: return day
        case .month:
            let parts = Calendar.gregorianUTC.dateComponents([.year, .month], from: StepDurationDayModel.start(of: day))
            return (parts.year! - 1970) * 12 + parts.month! - 1
        }
    }

    /// The first day of month `month` (months since January 1970), as days since 1970-01-01.
    static func firstDay(ofMonth month: Int) -> Int {
        let years = month >= 0 ? month / 12 : (month - 11) / 12
        let start = Calendar.gregorianUTC.date(from: DateComponents(year: 1970 + years, month: month - years * 12 + 1, day: 1))!
        return StepDurationDayModel.day(of: start)
    }

    /// `days` as the whole months within it and the days before and after those months (all of `days` when it holds
    /// no whole month); each day of `days` is in exactly one of them.
    static func cover(days: Range<Int>) -> (months: Range<Int>, days: [Range<Int>]) {
        guard !days.isEmpty else { return (0..<0, []) }
        var first = Self.month.number(of: days.lowerBound)
        if firstDay(ofMonth: first) < days.lowerBound { first += 1 }
        let end = Self.month.number(of: days.upperBound)
        guard first < end else { return (first..<first, [days]) }
        let edges = [days.lowerBound..<firstDay(ofMonth: first), firstDay(ofMonth: end)..<days.upperBound]
        return (first..<end, edges.filter { !$0.isEmpty })
    }
}
