import AMSCore
import Foundation
import Testing

@Suite("Daily tallies of step durations: 1 % bins that add up")
struct StepDurationTallyTests {
    /// Durations from a fraction of a second to weeks, from a fixed sequence.
    private func durations(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Double(state >> 11) / Double(1 << 53)
            return (pow(10, unit * 6.3) * 1000).rounded() / 1000   // 1 s … about three weeks, to the millisecond
        }
    }

    @Test func binsAreWholeSecondsThenOnePercentWide() {
        #expect(DurationHistogram.bin(of: 0) == 0)
        #expect(DurationHistogram.bin(of: 0.2) == 1)
        #expect(DurationHistogram.bin(of: 60) == 60)
        #expect(DurationHistogram.bin(of: 100) == 100)
        // above 100 s a bin holds (100·1.01^(b−101), 100·1.01^(b−100)]
        #expect(DurationHistogram.bin(of: 101) == 101)
        #expect(DurationHistogram.bin(of: 102) == 102)
        let samples: [Double] = [150, 3600, 86_400, 30 * 86_400]
        for seconds in samples {
            let bin = DurationHistogram.bin(of: seconds)
            let upper: Double = 100 * pow(1.01, Double(bin - 100)) * (1 + 1e-12)
            let lower: Double = 100 * pow(1.01, Double(bin - 101))
            #expect(seconds <= upper)
            #expect(seconds > lower)
        }
    }

    @Test func percentilesAreMeasuredDurationsInTheExactFiguresBin() throws {
        for (count, seed) in [(1, 1), (2, 2), (10, 3), (999, 4), (5000, 5)] as [(Int, UInt64)] {
            let values = durations(count, seed: seed)
            var histogram = DurationHistogram()
            values.forEach { histogram.add($0) }
            let exact = try #require(DurationStatistics(values, limit: 3600))
            for (p, exactFigure) in [(0.5, exact.median), (0.9, exact.percentile90)] {
                let figure = try #require(histogram.percentile(p))
                #expect(values.contains(figure), "a figure that was measured")
                #expect(figure >= exactFigure)
                #expect(DurationHistogram.bin(of: figure) == DurationHistogram.bin(of: exactFigure), "at most one bin above")
            }
            #expect(histogram.total == count)
        }
        #expect(DurationHistogram().percentile(0.5) == nil)
    }

    @Test func talliesAddUpAndSurviveTheirByteForm() throws {
        let sumbar = UUID(), riau = UUID(), operatorID = UUID()
        var monday = StepDurationTally(), tuesday = StepDurationTally(), both = StepDurationTally()
        for (index, seconds) in durations(400, seed: 9).enumerated() {
            let key = StepDurationTally.Key(agency: index % 3 == 0 ? riau : sumbar, endedBy: index % 2 == 0 ? operatorID : nil,
                                            step: index % 5 == 0 ? .verification : .agencyCheck)
            if index < 250 { monday.add(key, seconds: seconds, standard: 3600) } else { tuesday.add(key, seconds: seconds, standard: 3600) }
            both.add(key, seconds: seconds, standard: 3600)
        }
        let read = try StepDurationTally(decoding: monday.encoded())
        #expect(read.entries.count == monday.entries.count)
        for (key, entry) in monday.entries {
            let other = try #require(read.entries[key])
            #expect(other.withinStandard == entry.withinStandard)
            #expect(other.histogram.bins.map(\.bin) == entry.histogram.bins.map(\.bin))
            #expect(other.histogram.bins.map(\.count) == entry.histogram.bins.map(\.count))
            #expect(zip(other.histogram.bins, entry.histogram.bins).allSatisfy { abs($0.longest - $1.longest) < 0.0005 }, "kept to the millisecond")
        }
        var added = read
        added.add(try StepDurationTally(decoding: tuesday.encoded()))
        for (key, entry) in both.entries {
            #expect(added.entries[key]?.histogram.total == entry.histogram.total)
            #expect(added.entries[key]?.withinStandard == entry.withinStandard)
            #expect(added.entries[key]?.histogram.bins.map(\.count) == entry.histogram.bins.map(\.count))
        }
        #expect(try StepDurationTally(decoding: []).entries.isEmpty)
        #expect(throws: StepDurationTally.UnreadableTally.self) { try StepDurationTally(decoding: Array(monday.encoded().dropLast(3))) }
        #expect(throws: StepDurationTally.UnreadableTally.self) { try StepDurationTally(decoding: [9] + monday.encoded().dropFirst()) }
    }

    @Test func breakdownViewsEverythingAgenciesAndOperatorsWithinTheReadersAgency() throws {
        let sumbar = UUID(), riau = UUID(), operatorID = UUID()
        var tally = StepDurationTally()
        tally.add(.init(agency: sumbar, endedBy: operatorID, step: .agencyCheck), seconds: 120, standard: 180)
        tally.add(.init(agency: sumbar, endedBy: nil, step: .applicantData), seconds: 60, standard: 180)
        tally.add(.init(agency: riau, endedBy: operatorID, step: .agencyCheck), seconds: 240, standard: 180)
        var everything = StepDurationBreakdown(onlyAgency: nil)
        everything.add(tally)
        #expect(everything.all[.agencyCheck]?.statistics?.count == 2)
        #expect(everything.all[.agencyCheck]?.statistics?.shareWithinLimit == 0.5)
        #expect(everything.byAgency[riau]?[.agencyCheck]?.statistics?.median == 240)
        #expect(everything.byOperator[operatorID]?[.agencyCheck]?.statistics?.count == 2)
        #expect(everything.byOperator.count == 1, "a step nobody ended counts for no operator")
        var sumbarOnly = StepDurationBreakdown(onlyAgency: sumbar)
        sumbarOnly.add(tally)
        #expect(sumbarOnly.all[.agencyCheck]?.statistics?.median == 120)
        #expect(sumbarOnly.byAgency.keys.sorted { $0.uuidString < $1.uuidString } == [sumbar])
        #expect(sumbarOnly.byOperator[operatorID]?[.agencyCheck]?.statistics?.count == 1)
        // the byte form gives the same views as the tally itself
        for only in [nil, sumbar] {
            var fromTally = StepDurationBreakdown(onlyAgency: only), fromBytes = StepDurationBreakdown(onlyAgency: only)
            fromTally.add(tally)
            try fromBytes.add(encoded: tally.encoded())
            #expect(fromBytes.all == fromTally.all && fromBytes.byAgency == fromTally.byAgency && fromBytes.byOperator == fromTally.byOperator)
        }
    }

    @Test func byteFormsAddIntoABreakdownAsTheirTalliesDo() throws {
        // the second day's durations reach below and above the first's, so adding its bins makes room on both sides
        let sumbar = UUID(), operatorID = UUID()
        let key = StepDurationTally.Key(agency: sumbar, endedBy: operatorID, step: .verification)
        var monday = StepDurationTally(), tuesday = StepDurationTally()
        for seconds in durations(300, seed: 4) where seconds > 30 && seconds < 2_000 { monday.add(key, seconds: seconds, standard: 300) }
        for seconds in durations(300, seed: 5) { tuesday.add(key, seconds: seconds, standard: 300) }
        var fromTallies = StepDurationBreakdown(onlyAgency: nil), fromBytes = StepDurationBreakdown(onlyAgency: nil)
        fromTallies.add(monday)
        fromTallies.add(tuesday)
        try fromBytes.add(encoded: monday.encoded())
        try fromBytes.add(encoded: tuesday.encoded())
        let expected = try #require(fromTallies.byOperator[operatorID]?[.verification])
        let added = try #require(fromBytes.byOperator[operatorID]?[.verification])
        #expect(expected.histogram.bins.first!.bin < monday.entries[key]!.histogram.bins.first!.bin)
        #expect(expected.histogram.bins.last!.bin > monday.entries[key]!.histogram.bins.last!.bin)
        #expect(added.histogram.total == expected.histogram.total && added.withinStandard == expected.withinStandard)
        #expect(added.histogram.bins.map(\.bin) == expected.histogram.bins.map(\.bin))
        #expect(added.histogram.bins.map(\.count) == expected.histogram.bins.map(\.count))
        #expect(zip(added.histogram.bins, expected.histogram.bins).allSatisfy { abs($0.longest - $1.longest) < 0.0005 }, "kept to the millisecond")
        #expect(added.statistics?.median == expected.statistics.map { ($0.median * 1000).rounded() / 1000 })
    }
}
