import AMSPKI
import AMSCore
import Crypto
import Foundation

/// The MAC chain over audit entries: `mac(n) = HMAC-SHA256(key, mac(n-1) ‖ canonical(entry n))`.
struct AuditChain: Sendable {
    static let genesisMAC = String(repeating: "0", count: 64)
    let key: SymmetricKey

    func mac(previousMAC: String, record: AuditRecord) -> String {
        var input = Array(previousMAC.utf8)
        input.append(0x0A)
        input.append(contentsOf: record.canonicalBytes)
        return Array(HMAC<SHA256>.authenticationCode(for: input, using: key)).hexString
    }
}
