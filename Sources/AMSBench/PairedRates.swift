/// A rate and its reference measured in turn, round after round, each pair seconds apart: whatever else the machine
/// does in a round touches both alike, so their ratio moves less than either rate. The ratio reported is the median of
/// the rounds' ratios.
struct PairedRates: Sendable {
    private(set) var measured: [Double] = []
    private(set) var reference: [Double] = []

    /// One round; a round whose reference stalled (nil) is left out.
    mutating func add(_ value: Double, against referenceValue: Double?) {
        guard let referenceValue else { return }
        measured.append(value)
        reference.append(referenceValue)
    }

    var ratios: [Double] { zip(measured, reference).map { $0 / max($1, 0.001) } }
    var medianRatio: Double? { Self.median(ratios) }
    var medianMeasured: Double? { Self.median(measured) }
    var medianReference: Double? { Self.median(reference) }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
