import AMSCore
import Foundation
import Testing

@Suite("Time-ordered UUIDs (version 7)")
struct TimeOrderedUUIDTests {
    @Test("the first 48 bits are the Unix milliseconds, then version 7, the variant, and the random bytes")
    func layout() {
        let date = Date(timeIntervalSince1970: 1_764_547_200.123_9)  // 2025-12-01T00:00:00.123Z (and a fraction)
        let random: [UInt8] = [0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x88, 0x77, 0x66]
        let uuid = TimeOrderedUUID.make(at: date, random: random)
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_764_547_200_123)
        #expect(bytes[6] == 0x7F, "version 7 in the high nibble, the random byte's low nibble kept")
        #expect(bytes[7] == 0xEE)
        #expect(bytes[8] == 0x80 | (0xDD & 0x3F), "variant 10 in the top two bits")
        #expect(Array(bytes[9..<16]) == [0xCC, 0xBB, 0xAA, 0x99, 0x88, 0x77, 0x66])
        #expect(uuid.uuidString.hasPrefix("019AD735-847B-7"), "the text form starts with the time too")
    }

    @Test("later milliseconds sort later, as bytes and as the text databases store")
    func ordered() {
        let start = Date(timeIntervalSince1970: 1_764_547_200)
        // half a millisecond into each millisecond, clear of floating-point edges
        let uuids = (0..<200).map { TimeOrderedUUID.make(at: start.addingTimeInterval(Double($0) * 0.001 + 0.0005)) }
        let texts = uuids.map(\.uuidString)
        let sorted = texts == texts.sorted()
        #expect(sorted)
        #expect(Set(texts).count == texts.count)
    }

    @Test("within one millisecond the random part tells them apart")
    func distinctWithinAMillisecond() {
        let now = Date(timeIntervalSince1970: 1_764_547_200)
        let uuids = Set((0..<1000).map { _ in TimeOrderedUUID.make(at: now) })
        #expect(uuids.count == 1000)
    }
}
