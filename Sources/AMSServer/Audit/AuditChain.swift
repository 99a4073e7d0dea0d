import AMSPKI
import AMSCore
import Crypto
import Foundation

/// The MAC chain over audit entries: `mac(n) = HMAC-SHA256(key, mac(n-1) ‖ "\n" ‖ canonical(entry n))`.
struct AuditChain: Sendable {
    static let genesisMAC = String(repeating: "0", count: 64)
    /// The HMAC with its key schedule done once; every MAC starts from a copy of it (keying cost as much as the MAC
    /// of a short entry, and a batch of issuances writes thousands). The key itself is not kept.
    private let keyed: HMAC<SHA256>

    init(key: SymmetricKey) {
        keyed = HMAC<SHA256>(key: key)
    }

    func mac(previousMAC: String, record: AuditRecord) -> String {
        mac(previousMAC: previousMAC, sequence: record.sequence, canonicalTail: record.canonicalTail)
    }

    /// The MAC that vouches for a checkpoint: the log was verified up to entry `sequence`, whose MAC is `entryMAC`.
    func checkpointMAC(sequence: Int64, entryMAC: String) -> String {
        var hmac = keyed
        hmac.update(data: Array("audit-checkpoint\n\(sequence)\n\(entryMAC)".utf8))
        return Array(hmac.finalize()).hexString
    }

    /// The MAC of a record given as its sequence number and ``AuditRecord/canonicalTail`` (worked out earlier,
    /// away from the transaction that appends it).
    func mac(previousMAC: String, sequence: Int64, canonicalTail: [UInt8]) -> String {
        var hmac = keyed
        var head = Array(previousMAC.utf8)
        head.append(0x0A)
        head += AuditRecord.canonicalHead(sequence: sequence)
        hmac.update(data: head)
        hmac.update(data: canonicalTail)
        return Array(hmac.finalize()).hexString
    }
}
