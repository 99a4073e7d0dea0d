import Foundation
import X509

/// Certificate serial numbers: 16 random bytes, positive (top bit clear) and never starting with a zero byte, so
/// every serial is exactly 16 octets in DER. Uniqueness is enforced where they are stored (a unique index).
public struct SerialNumberGenerator: Sendable {
    let randomBytes: @Sendable (Int) -> [UInt8]

    public init(randomBytes: @escaping @Sendable (Int) -> [UInt8] = SerialNumberGenerator.systemRandomBytes) {
        self.randomBytes = randomBytes
    }

    public func next() -> [UInt8] {
        while true {
            var bytes = randomBytes(16)
            precondition(bytes.count == 16, "the random source must return the bytes asked for")
            bytes[0] &= 0x7F
            if bytes[0] != 0 { return bytes }
        }
    }

    @Sendable public static func systemRandomBytes(_ count: Int) -> [UInt8] {
        // eight bytes per draw: each draw of the system generator is a system call
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal, the form serials are stored, searched and shown in.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hexadecimal (either case, even length); nil otherwise.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}
