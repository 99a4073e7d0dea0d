import Foundation

/// Count, median, 90th percentile and the share within a limit, for a set of step durations.
public struct DurationStatistics: Sendable, Equatable {
    public let count: Int
    public let median: TimeInterval
    public let percentile90: TimeInterval
    /// Between 0 and 1.
    public let shareWithinLimit: Double

    /// Figures worked out elsewhere (the database), by the same definition.
    public init(count: Int, median: TimeInterval, percentile90: TimeInterval, shareWithinLimit: Double) {
        self.count = count
        self.median = median
        self.percentile90 = percentile90
        self.shareWithinLimit = shareWithinLimit
    }

    /// Nearest-rank percentiles (no interpolation): every value reported is one that was measured.
    public init?(_ durations: [TimeInterval], limit: TimeInterval) {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.sorted()
        func rank(_ p: Double) -> TimeInterval { sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        count = sorted.count
        median = rank(0.5)
        percentile90 = rank(0.9)
        shareWithinLimit = Double(sorted.filter { $0 <= limit }.count) / Double(sorted.count)
    }
}
