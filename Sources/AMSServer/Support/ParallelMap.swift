import Dispatch
import NIOConcurrencyHelpers
import NIOPosix

/// Transforms every element on every core (a thread of the pool waits, the event loops stay free); the results
/// come back in the input's order, or the first error is thrown. Small inputs are transformed where the caller is.
enum ParallelMap {
    /// Below this many elements spreading the work costs more than it saves.
    static let threshold = 32

    static func run<Element: Sendable, Transformed: Sendable>(
        _ elements: [Element], on threadPool: NIOThreadPool, _ transform: @escaping @Sendable (Element) throws -> Transformed
    ) async throws -> [Transformed] {
        if elements.count < threshold { return try elements.map(transform) }
        return try await threadPool.runIfActive {
            let results = NIOLockedValueBox([Result<Transformed, any Error>?](repeating: nil, count: elements.count))
            DispatchQueue.concurrentPerform(iterations: elements.count) { index in
                let result = Result { try transform(elements[index]) }
                results.withLockedValue { $0[index] = result }
            }
            return try results.withLockedValue { $0 }.map { try $0!.get() }
        }
    }
}
