@testable import AMSServer
import Foundation
import Testing

/// Issue 20: the time-standard report reads a period as whole UTC months plus the days at its edges.
@Suite("The report's periods: UTC days and calendar months")
struct StepDurationPeriodTests {
    private static func day(_ text: String) -> Int {
        StepDurationDayModel.day(of: try! Date(text + "T00:00:00Z", strategy: .iso8601))
    }

    @Test func monthsAreNumberedFromJanuary1970AndBeginOnTheirFirstDay() {
        let months = StepDurationPeriod.month
        #expect(months.number(of: Self.day("1970-01-01")) == 0)
        #expect(months.number(of: Self.day("1970-01-31")) == 0)
        #expect(months.number(of: Self.day("1970-02-01")) == 1)
        #expect(months.number(of: Self.day("2024-02-29")) == 54 * 12 + 1)
        #expect(months.number(of: Self.day("1969-12-31")) == -1)
        #expect(StepDurationPeriod.firstDay(ofMonth: 54 * 12 + 1) == Self.day("2024-02-01"))
        #expect(StepDurationPeriod.firstDay(ofMonth: 54 * 12 + 2) == Self.day("2024-03-01"))
        #expect(StepDurationPeriod.firstDay(ofMonth: 56 * 12 + 11) == Self.day("2026-12-01"))
        #expect(StepDurationPeriod.firstDay(ofMonth: -1) == Self.day("1969-12-01"))
        #expect(StepDurationPeriod.day.number(of: 20_000) == 20_000)
    }

    @Test func aYearFromMidMonthIsItsWholeMonthsAndTheDaysAtEitherEdge() {
        let cover = StepDurationPeriod.cover(days: Self.day("2025-12-17")..<Self.day("2026-12-03"))
        #expect(cover.months == StepDurationPeriod.month.number(of: Self.day("2026-01-01"))..<StepDurationPeriod.month.number(of: Self.day("2026-12-01")))
        #expect(cover.days == [Self.day("2025-12-17")..<Self.day("2026-01-01"), Self.day("2026-12-01")..<Self.day("2026-12-03")])
        // whole months only, and days within one month only
        let whole = StepDurationPeriod.cover(days: Self.day("2026-01-01")..<Self.day("2026-03-01"))
        #expect(whole.months.count == 2 && whole.days.isEmpty)
        let within = StepDurationPeriod.cover(days: Self.day("2026-03-05")..<Self.day("2026-03-20"))
        #expect(within.months.isEmpty && within.days == [Self.day("2026-03-05")..<Self.day("2026-03-20")])
    }

    @Test func everyDayOfAPeriodIsCoveredExactlyOnce() {
        // periods starting on every day of two and a half years (leap day included), of lengths around a month's,
        // two months' and a year's
        let base = Self.day("2023-06-01")
        for start in base..<(base + 900) {
            for length in [0, 1, 27, 28, 29, 30, 31, 32, 58, 59, 60, 61, 62, 90, 364, 365, 366, 400] {
                let days = start..<(start + length)
                let cover = StepDurationPeriod.cover(days: days)
                var covered: [Int] = cover.days.flatMap { Array($0) }
                for month in cover.months {
                    covered += Array(StepDurationPeriod.firstDay(ofMonth: month)..<StepDurationPeriod.firstDay(ofMonth: month + 1))
                }
                #expect(covered.sorted() == Array(days), "\(days)")
                // with whole months, at most one stretch of days before them and one after, each shorter than a month;
                // without, the period's days as they are
                if cover.months.isEmpty {
                    #expect(cover.days == (days.isEmpty ? [] : [days]), "\(days)")
                } else {
                    #expect(cover.days.count <= 2 && cover.days.allSatisfy { $0.count < 31 }, "\(days)")
                }
            }
        }
    }
}
