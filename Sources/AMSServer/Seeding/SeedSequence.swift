import Foundation

/// The seed's numbers: a SplitMix64 sequence, so that a given size always makes the same data (benchmarks compare
/// like with like), and helpers that turn a row's index into values that are unique by construction.
struct SeedSequence {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (a tiny modulo bias is of no matter for made-up data).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// `index` scrambled through a bijection of 40 bits (an odd multiplier): distinct indexes give distinct values.
    static func scrambled40(_ index: Int) -> UInt64 {
        (UInt64(index) &* 0x9E37_79B9_7F) & 0xFF_FFFF_FFFF
    }
}
