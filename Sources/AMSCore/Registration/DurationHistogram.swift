import Foundation

/// Durations counted in bins about 1 % wide — whole seconds up to 100 s, then bins growing by 1 % each — where every
/// bin keeps how many durations fell in it and the longest of them. Histograms of days or agencies add up, so a
/// report over a year reads a few hundred of them instead of millions of durations.
///
/// A nearest-rank percentile read from it (``percentile(_:)``) is the longest duration of the bin holding that rank:
/// a duration that was measured, never below the exact nearest-rank figure and at most one bin (1 %, or 1 s under
/// 100 s) above it.
public struct DurationHistogram: Sendable, Equatable {
    /// Durations up to this many seconds get a bin per whole second.
    public static let linearLimit = 100.0
    /// Each bin above ``linearLimit`` is this much wider than the one before (1 %).
    public static let growth = 1.01
    /// The last bin (about three years); longer durations count there.
    public static let lastBin = 10_000

    /// The bin a duration falls in: ⌈seconds⌉ up to 100 s, then 100 + ⌈log₁.₀₁(seconds / 100)⌉.
    public static func bin(of seconds: Double) -> Int {
        guard seconds > linearLimit else { return max(0, Int(seconds.rounded(.up))) }
        let above = Int((log(seconds / linearLimit) / log(growth)).rounded(.up))
        return min(lastBin, Int(linearLimit) + above)
    }

    /// The bins from ``firstBin`` on, as one array each (counts and longest durations in seconds).
    public private(set) var firstBin = 0
    public private(set) var counts: [Int] = []
    public private(set) var longest: [Double] = []
    /// How many durations were counted.
    public private(set) var total = 0

    public init() {}

    /// Counts one duration.
    public mutating func add(_ seconds: Double) {
        add(bin: Self.bin(of: seconds), count: 1, longest: seconds)
    }

    /// Adds a bin's worth: `count` durations of which the longest took `longest` seconds.
    public mutating func add(bin: Int, count: Int, longest duration: Double) {
        guard count > 0 else { return }
        let bin = min(max(bin, 0), Self.lastBin)
        cover(bin)
        counts[bin - firstBin] += count
        longest[bin - firstBin] = max(longest[bin - firstBin], duration)
        total += count
    }

    /// Adds bins given lowest first (as a tally's byte form lists them), making room once for all of them.
    ///
    /// The time-standard report's innermost loop (a national year adds millions of bins here). Once room is made,
    /// the loop writes through buffer pointers, checking each index once against both arrays' common length (the
    /// arrays' own per-element checks were a third of this loop's time).
    public mutating func add(_ bins: [StepDurationTally.Bin]) {
        guard let first = bins.first, let last = bins.last else { return }
        cover(min(max(first.bin, 0), Self.lastBin))
        cover(min(max(last.bin, 0), Self.lastBin))
        let firstBin = firstBin
        var added = 0
        counts.withUnsafeMutableBufferPointer { counts in
            longest.withUnsafeMutableBufferPointer { longest in
                for bin in bins where bin.count > 0 {
                    let index = min(max(bin.bin, 0), Self.lastBin) - firstBin
                    // lowest first, so between the first and the last bin; a list out of order stops here
                    precondition(index >= 0 && index < counts.count, "bins must be given lowest first")
                    counts[index] += bin.count
                    if bin.longest > longest[index] { longest[index] = bin.longest }
                    added += bin.count
                }
            }
        }
        total += added
    }

    /// Adds every bin of another histogram.
    public mutating func add(_ other: DurationHistogram) {
        for index in other.counts.indices where other.counts[index] > 0 {
            add(bin: other.firstBin + index, count: other.counts[index], longest: other.longest[index])
        }
    }

    /// The bins that hold something, lowest first.
    public var bins: [(bin: Int, count: Int, longest: Double)] {
        counts.indices.compactMap { index in counts[index] == 0 ? nil : (firstBin + index, counts[index], longest[index]) }
    }

    /// The nearest-rank `p`-th percentile (0 < p ≤ 1) as the longest duration of the bin holding rank ⌈p·n⌉; nil
    /// when nothing was counted.
    public func percentile(_ p: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((p * Double(total)).rounded(.up)))
        var seen = 0
        for index in counts.indices {
            seen += counts[index]
            if seen >= rank { return longest[index] }
        }
        return nil
    }

    /// Grows the arrays so that `bin` has a place.
    private mutating func cover(_ bin: Int) {
        if counts.isEmpty {
            firstBin = bin
            counts = [0]
            longest = [0]
        } else if bin < firstBin {
            counts.insert(contentsOf: repeatElement(0, count: firstBin - bin), at: 0)
            longest.insert(contentsOf: repeatElement(0, count: firstBin - bin), at: 0)
            firstBin = bin
        } else if bin >= firstBin + counts.count {
            let missing = bin - firstBin - counts.count + 1
            counts.append(contentsOf: repeatElement(0, count: missing))
            longest.append(contentsOf: repeatElement(0, count: missing))
        }
    }
}
