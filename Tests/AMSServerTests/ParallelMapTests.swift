@testable import AMSServer
import NIOPosix
import Synchronization
import Testing

@Suite("ParallelMap: every element transformed once, results in order")
struct ParallelMapTests {
    struct Refused: Error, Equatable { let element: Int }

    @Test("above and below the threshold, each result sits where its element was", arguments: [5, ParallelMap.threshold, 2000])
    func inOrder(count: Int) async throws {
        let pool = NIOThreadPool.singleton
        let calls = Mutex(0)
        let results = try await ParallelMap.run(Array(0..<count), on: pool) { element in
            calls.withLock { $0 += 1 }
            return element * 3
        }
        #expect(results == (0..<count).map { $0 * 3 })
        #expect(calls.withLock { $0 } == count)
    }

    @Test("an element that throws makes the whole map throw")
    func firstErrorThrown() async throws {
        let pool = NIOThreadPool.singleton
        await #expect(throws: Refused(element: 777)) {
            _ = try await ParallelMap.run(Array(0..<1000), on: pool) { element in
                if element == 777 { throw Refused(element: element) }
                return element
            }
        }
    }
}
