import AMSCore
import Testing

@Suite("Time standards and their statistics")
struct TimeStandardTests {
    @Test func defaultsAreTheSOPsAndOverridesApply() {
        let standards = TimeStandards([.agencyCheck: 3600, .verification: -5])
        #expect(standards.limit(for: .agencyCheck) == 3600)
        #expect(standards.limit(for: .caRegistration) == 60)
        #expect(standards.limit(for: .verification) == 300)
        #expect(standards.isOverdue(step: .caRegistration, waited: 61))
        #expect(!standards.isOverdue(step: .caRegistration, waited: 60))
    }

    @Test func nearestRankPercentiles() throws {
        let stats = try #require(DurationStatistics([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], limit: 60))
        #expect(stats.count == 10)
        #expect(stats.median == 50)
        #expect(stats.percentile90 == 90)
        #expect(stats.shareWithinLimit == 0.6)
        let single = try #require(DurationStatistics([42], limit: 10))
        #expect(single.median == 42 && single.percentile90 == 42 && single.shareWithinLimit == 0)
        #expect(DurationStatistics([], limit: 1) == nil)
    }
}
