@testable import AMSServer
import AMSCore
import Crypto
import Foundation
import Testing

@Suite("The audit MAC chain")
struct AuditChainTests {
    @Test func eachMACIsTheHMACOfThePreviousMACANewlineAndTheCanonicalEntry() {
        let key = SymmetricKey(size: .bits256)
        let chain = AuditChain(key: key)
        var previous = AuditChain.genesisMAC
        // several entries through one chain value: each MAC must start from a fresh keyed state
        for sequence in Int64(1)...3 {
            let record = AuditRecord(sequence: sequence, occurredAt: Date(timeIntervalSince1970: 1_800_000_000), actorID: nil,
                                     actorName: "a", actorRole: "r", action: "x", targetType: "t", targetID: "\(sequence)",
                                     outcome: .success, clientAddress: "", requestID: "", details: ["n": "\(sequence)"])
            let independent = HMAC<SHA256>.authenticationCode(for: Array(previous.utf8) + [0x0A] + record.canonicalBytes, using: key)
            let mac = chain.mac(previousMAC: previous, record: record)
            #expect(mac == independent.map { String(format: "%02x", $0) }.joined())
            previous = mac
        }
    }
}
