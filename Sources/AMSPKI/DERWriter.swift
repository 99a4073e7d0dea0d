import Foundation

/// A small, fast DER encoder for the structures AMS signs itself (CRLs, OCSP responses, PKCS#7, extensions).
///
/// Values are appended in order; a constructed value is written by a closure into a child writer and then
/// wrapped with its tag and definite length. Only the tags and types AMS needs are here.
public struct DERWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public enum Tag {
        public static let boolean: UInt8 = 0x01
        public static let integer: UInt8 = 0x02
        public static let bitString: UInt8 = 0x03
        public static let octetString: UInt8 = 0x04
        public static let null: UInt8 = 0x05
        public static let objectIdentifier: UInt8 = 0x06
        public static let enumerated: UInt8 = 0x0A
        public static let utf8String: UInt8 = 0x0C
        public static let printableString: UInt8 = 0x13
        public static let ia5String: UInt8 = 0x16
        public static let utcTime: UInt8 = 0x17
        public static let generalizedTime: UInt8 = 0x18
        public static let sequence: UInt8 = 0x30
        public static let set: UInt8 = 0x31

        /// `[n]` context-specific, constructed (EXPLICIT tagging, or IMPLICIT over a constructed type).
        public static func contextConstructed(_ number: UInt8) -> UInt8 { 0xA0 | number }
        /// `[n]` context-specific, primitive (IMPLICIT over a primitive type).
        public static func contextPrimitive(_ number: UInt8) -> UInt8 { 0x80 | number }
    }

    public mutating func appendLength(_ length: Int) {
        if length < 0x80 {
            bytes.append(UInt8(length))
            return
        }
        var octets = 0
        var remaining = length
        while remaining > 0 { octets += 1; remaining >>= 8 }
        bytes.append(0x80 | UInt8(octets))
        for index in stride(from: octets - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: length >> (index * 8)))
        }
    }

    public mutating func append<C: Collection>(tag: UInt8, content: C) where C.Element == UInt8 {
        appendHeader(tag: tag, length: content.count)
        bytes.append(contentsOf: content)
    }

    /// The tag and length of a value whose content is written elsewhere (a large content kept in its own buffer).
    public mutating func appendHeader(tag: UInt8, length: Int) {
        bytes.append(tag)
        appendLength(length)
    }

    /// Already-encoded DER (a certificate, a name) copied through unchanged.
    public mutating func appendRaw<C: Collection>(_ encoded: C) where C.Element == UInt8 {
        bytes.append(contentsOf: encoded)
    }

    public mutating func constructed(_ tag: UInt8, _ body: (inout DERWriter) throws -> Void) rethrows {
        var child = DERWriter()
        try body(&child)
        append(tag: tag, content: child.bytes)
    }

    public mutating func sequence(_ body: (inout DERWriter) throws -> Void) rethrows {
        try constructed(Tag.sequence, body)
    }

    /// An INTEGER from unsigned big-endian magnitude bytes (leading zeros dropped, a zero byte added if the top bit
    /// is set, so the value stays positive).
    public mutating func unsignedInteger<C: Collection>(_ magnitude: C, tag: UInt8 = Tag.integer) where C.Element == UInt8 {
        let slice = magnitude.drop(while: { $0 == 0 })
        let content: [UInt8]
        if slice.isEmpty {
            content = [0]
        } else if slice.first! & 0x80 != 0 {
            content = [0] + Array(slice)
        } else {
            content = Array(slice)
        }
        append(tag: tag, content: content)
    }

    public mutating func integer(_ value: Int64, tag: UInt8 = Tag.integer) {
        var content: [UInt8] = []
        var remaining = value
        repeat {
            content.insert(UInt8(truncatingIfNeeded: remaining), at: 0)
            remaining >>= 8
        } while !(remaining == 0 && content[0] & 0x80 == 0) && !(remaining == -1 && content[0] & 0x80 != 0)
        append(tag: tag, content: content)
    }

    public mutating func enumerated(_ value: Int) {
        integer(Int64(value), tag: Tag.enumerated)
    }

    public mutating func boolean(_ value: Bool) {
        append(tag: Tag.boolean, content: [value ? 0xFF : 0x00])
    }

    public mutating func null() {
        append(tag: Tag.null, content: EmptyCollection<UInt8>())
    }

    public mutating func octetString<C: Collection>(_ content: C) where C.Element == UInt8 {
        append(tag: Tag.octetString, content: content)
    }

    /// A BIT STRING with no unused bits (signatures, keys).
    public mutating func bitString<C: Collection>(_ content: C) where C.Element == UInt8 {
        bytes.append(Tag.bitString)
        appendLength(content.count + 1)
        bytes.append(0)
        bytes.append(contentsOf: content)
    }

    public mutating func objectIdentifier(_ oid: OID) {
        append(tag: Tag.objectIdentifier, content: oid.contentBytes)
    }

    public mutating func ia5String(_ text: String, tag: UInt8 = Tag.ia5String) {
        append(tag: tag, content: Array(text.utf8))
    }

    /// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always UTC, whole seconds.
    public mutating func time(_ date: Date) {
        let components = DERWriter.utcComponents(date)
        if components.year < 2050 {
            append(tag: Tag.utcTime, content: DERWriter.timeDigits(components, fourDigitYear: false))
        } else {
            generalizedTime(date)
        }
    }

    public mutating func generalizedTime(_ date: Date) {
        append(tag: Tag.generalizedTime, content: DERWriter.timeDigits(DERWriter.utcComponents(date), fourDigitYear: true))
    }

    /// A UTC calendar date and time of day (proleptic Gregorian), as DER times use them.
    struct TimeComponents: Sendable, Equatable { var year, month, day, hour, minute, second: Int }

    /// The UTC components of `date`, whole seconds rounded down; no Calendar or DateFormatter (hot path: CRLs with
    /// a million entries).
    static func utcComponents(_ date: Date) -> TimeComponents {
        // Civil-from-days (Howard Hinnant), avoiding Calendar on the CRL hot path.
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return TimeComponents(year: year, month: month, day: day, hour: secondOfDay / 3600,
                              minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
    }

    static func timeDigits(_ c: TimeComponents, fourDigitYear: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(15)
        func two(_ value: Int) {
            out.append(UInt8(48 + value / 10 % 10))
            out.append(UInt8(48 + value % 10))
        }
        if fourDigitYear { two(c.year / 100) }
        two(c.year % 100)
        two(c.month); two(c.day); two(c.hour); two(c.minute); two(c.second)
        out.append(UInt8(ascii: "Z"))
        return out
    }
}
