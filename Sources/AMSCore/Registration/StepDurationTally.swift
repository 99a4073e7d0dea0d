import Foundation

/// The finished steps of one stretch of time (a day, in AMS), counted per agency, operator who ended the step and
/// step: how many finished within the time standard, and a ``DurationHistogram`` of how long they took. Tallies add
/// up, and they keep in a compact byte form (``encoded()``), so the time-standard report over a year reads one tally a
/// day instead of every step timing.
public struct StepDurationTally: Sendable, Equatable {
    /// Whose steps an entry counts.
    public struct Key: Hashable, Sendable {
        public let agency: UUID
        /// The operator who ended the step; nil when no operator did (the applicant, or AMS itself).
        public let endedBy: UUID?
        public let step: WorkflowStep

        public init(agency: UUID, endedBy: UUID?, step: WorkflowStep) {
            self.agency = agency
            self.endedBy = endedBy
            self.step = step
        }
    }

    /// The steps counted under one key.
    public struct Entry: Sendable, Equatable {
        /// How many ended within the step's time standard in force when they were counted.
        public var withinStandard = 0
        public var histogram = DurationHistogram()

        public init() {}

        public mutating func add(_ other: Entry) {
            withinStandard += other.withinStandard
            histogram.add(other.histogram)
        }

        /// The figures the report shows (nil for an empty entry).
        public var statistics: DurationStatistics? {
            guard let median = histogram.percentile(0.5), let percentile90 = histogram.percentile(0.9) else { return nil }
            return DurationStatistics(count: histogram.total, median: median, percentile90: percentile90,
                                      shareWithinLimit: Double(withinStandard) / Double(histogram.total))
        }
    }

    /// The byte form could not be read (damaged, or written by a newer AMS).
    public struct UnreadableTally: Error, Equatable {}

    public private(set) var entries: [Key: Entry] = [:]

    public init() {}

    /// Counts one finished step that took `seconds`, against its time standard `standard`.
    public mutating func add(_ key: Key, seconds: Double, standard: Double) {
        entries[key, default: Entry()].histogram.add(seconds)
        if seconds <= standard { entries[key, default: Entry()].withinStandard += 1 }
    }

    /// Adds another tally's entries to this one.
    public mutating func add(_ other: StepDurationTally) {
        for (key, entry) in other.entries { entries[key, default: Entry()].add(entry) }
    }

    // MARK: - Byte form

    private static let formatVersion: UInt8 = 1

    /// Version byte, entry count, then per entry: agency (16 bytes), 0 or 1 and the operator (16 bytes), the step's
    /// name (length byte and UTF-8), the count within the standard, the number of bins and per bin the distance from
    /// the previous bin, its count and its longest duration in milliseconds — all numbers as LEB128 varints.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [Self.formatVersion]
        bytes.appendVarint(UInt64(entries.count))
        for (key, entry) in entries {
            bytes.appendUUID(key.agency)
            if let endedBy = key.endedBy {
                bytes.append(1)
                bytes.appendUUID(endedBy)
            } else {
                bytes.append(0)
            }
            let step = Array(key.step.rawValue.utf8)
            bytes.append(UInt8(step.count))
            bytes.append(contentsOf: step)
            bytes.appendVarint(UInt64(entry.withinStandard))
            let bins = entry.histogram.bins
            bytes.appendVarint(UInt64(bins.count))
            var previous = 0
            for (bin, count, longest) in bins {
                bytes.appendVarint(UInt64(bin - previous))
                bytes.appendVarint(UInt64(count))
                bytes.appendVarint(UInt64((longest * 1000).rounded()))
                previous = bin
            }
        }
        return bytes
    }

    /// Reads the byte form ``encoded()`` writes; an empty array is an empty tally.
    public init(decoding bytes: [UInt8]) throws {
        try Self.forEachEntry(in: bytes) { key, withinStandard, bins in
            var entry = Entry()
            entry.withinStandard = withinStandard
            entry.histogram.add(bins)
            entries[key, default: Entry()].add(entry)
        }
    }

    /// One bin of an entry as the byte form holds it.
    public struct Bin: Sendable {
        public var bin: Int
        public var count: Int
        public var longest: Double
    }

    /// Reads the byte form entry by entry without building a tally: `body` gets each entry's key, its count within
    /// the standard and its bins (an array reused from entry to entry). The report's way through a year of tallies.
    public static func forEachEntry(in bytes: [UInt8], _ body: (Key, Int, [Bin]) throws -> Void) throws {
        guard !bytes.isEmpty else { return }
        var reader = ByteReader(bytes: bytes)
        guard try reader.byte() == formatVersion else { throw UnreadableTally() }
        var bins: [Bin] = []
        for _ in 0..<(try reader.varint()) {
            let agency = try reader.uuid()
            let endedBy = try reader.byte() == 1 ? try reader.uuid() : nil
            let step = try reader.step()
            let withinStandard = Int(try reader.varint())
            bins.removeAll(keepingCapacity: true)
            var bin = 0
            for _ in 0..<(try reader.varint()) {
                bin += Int(try reader.varint())
                let count = Int(try reader.varint())
                bins.append(Bin(bin: bin, count: count, longest: Double(try reader.varint()) / 1000))
            }
            try body(Key(agency: agency, endedBy: endedBy, step: step), withinStandard, bins)
        }
    }

    /// Each step's name in UTF-8, as the byte form spells it.
    private static let stepNames = WorkflowStep.allCases.map { (Array($0.rawValue.utf8), $0) }

    private struct ByteReader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw UnreadableTally() }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else { throw UnreadableTally() }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        mutating func varint() throws -> UInt64 {
            // most of a tally's numbers (bin distances, counts) fit in one byte
            if offset < bytes.count, bytes[offset] < 0x80 {
                offset += 1
                return UInt64(bytes[offset - 1])
            }
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                let byte = try byte()
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte & 0x80 == 0 { return value }
            }
            throw UnreadableTally()
        }

        mutating func uuid() throws -> UUID {
            guard offset + 16 <= bytes.count else { throw UnreadableTally() }
            defer { offset += 16 }
            let b = bytes, o = offset
            return UUID(uuid: (b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7],
                               b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15]))
        }

        mutating func step() throws -> WorkflowStep {
            let name = try bytes(Int(try byte()))
            guard let step = StepDurationTally.stepNames.first(where: { $0.0.elementsEqual(name) })?.1 else { throw UnreadableTally() }
            return step
        }
    }
}

private extension Array where Element == UInt8 {
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    mutating func appendUUID(_ id: UUID) {
        Swift.withUnsafeBytes(of: id.uuid) { append(contentsOf: $0) }
    }
}
