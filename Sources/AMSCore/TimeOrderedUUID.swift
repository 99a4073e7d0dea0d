import Foundation

/// UUIDs of version 7 (RFC 9562 §5.7): the Unix time in milliseconds in the first 48 bits, then 74 random bits.
///
/// Rows keyed by them arrive in key order, so the key's index grows at its end instead of splitting pages all over
/// the tree; issuance writes tens of thousands of audit entries and mails in one batch. The time in them is no
/// secret; nothing that must not be guessed (tokens, keys) is made of them.
public enum TimeOrderedUUID {
    /// The UUID for `date` with the random part from `random` (at least 10 bytes; the first 10 are used).
    public static func make(at date: Date, random: [UInt8]) -> UUID {
        precondition(random.count >= 10, "a version 7 UUID needs 74 random bits")
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        for index in 6..<16 { bytes[index] = random[index - 6] }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The UUID for `date` with its random part from the system's generator.
    public static func make(at date: Date) -> UUID {
        make(at: date, random: SystemRandomSource().bytes(count: 10))
    }
}
