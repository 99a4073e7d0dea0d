import Foundation

/// A source of cryptographically secure random bytes. Production uses ``SystemRandomSource`` (the OS CSPRNG);
/// tests may inject a deterministic one.
public protocol RandomSource: Sendable {
    func bytes(count: Int) -> [UInt8]
}

extension RandomSource {
    /// A uniformly distributed integer in `0..<upperBound`, by rejection sampling (no modulo bias).
    public func uniform(below upperBound: Int) -> Int {
        precondition(upperBound > 0 && upperBound <= 256)
        let limit = 256 - (256 % upperBound)
        while true {
            let byte = Int(bytes(count: 1)[0])
            if byte < limit { return byte % upperBound }
        }
    }
}

/// The operating system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func bytes(count: Int) -> [UInt8] {
        // eight bytes per draw: each draw of the system generator is a system call
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }
}
