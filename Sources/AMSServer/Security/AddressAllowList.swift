import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The client addresses an agency application may call from: single addresses and networks in CIDR form, IPv4 and
/// IPv6 (`203.0.113.7, 10.20.0.0/16, 2001:db8::/32`). An empty list allows any address.
struct AddressAllowList: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        let bytes: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let networks: [Network]

    /// Parses the administrator's text; nil when an entry is not an address or network (the form says which).
    init?(_ text: String) {
        var networks: [Network] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init) where !entry.isEmpty {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, let bytes = Self.bytes(parts[0]) else { return nil }
            let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let length, (0...(bytes.count * 8)).contains(length) else { return nil }
            networks.append(Network(bytes: bytes, prefixLength: length))
        }
        self.networks = networks
    }

    /// Whether `address` may call (always, when the list is empty).
    func allows(_ address: String) -> Bool {
        guard !networks.isEmpty else { return true }
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address counts as IPv4).
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes.suffix(4)) }
        return bytes
    }
}
