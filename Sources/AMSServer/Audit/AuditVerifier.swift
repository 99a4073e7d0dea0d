import AMSCore
import Fluent
import Foundation

/// Walks the whole audit log and checks the chain: contiguous sequence numbers from 1, each entry's link to the
/// previous MAC, each MAC, and the head row matching the last entry (so a cut-off tail is found too).
struct AuditVerifier: Sendable {
    struct Report: Sendable, Equatable {
        var checkedEntries: Int64
        /// The sequence number of the first entry that fails, or nil when the log is intact.
        var firstBadSequence: Int64?
        var problem: String?
        var isIntact: Bool { problem == nil }
    }

    let chain: AuditChain
    var batchSize = 1000

    func verify(on database: any Database) async throws -> Report {
        var expected: Int64 = 1
        var previousMAC = AuditChain.genesisMAC
        while true {
            let batch = try await AuditEntryModel.query(on: database)
                .filter(\.$sequence >= expected)
                .sort(\.$sequence)
                .limit(batchSize)
                .all()
            if batch.isEmpty { break }
            for entry in batch {
                if entry.sequence != expected {
                    return Report(checkedEntries: expected - 1, firstBadSequence: expected,
                                  problem: "entry \(expected) is missing (next present is \(entry.sequence))")
                }
                if entry.previousMAC != previousMAC {
                    return Report(checkedEntries: expected - 1, firstBadSequence: expected,
                                  problem: "entry \(expected) does not link to entry \(expected - 1)")
                }
                let recomputed = chain.mac(previousMAC: previousMAC, record: entry.record)
                if !TokenDigest.constantTimeEquals(recomputed, entry.mac) {
                    return Report(checkedEntries: expected - 1, firstBadSequence: expected,
                                  problem: "entry \(expected) was altered (MAC mismatch)")
                }
                previousMAC = entry.mac
                expected += 1
            }
        }
        let last = expected - 1
        guard let head = try await AuditChainHeadModel.find(1, on: database) else {
            return Report(checkedEntries: last, firstBadSequence: last + 1, problem: "the chain head row is missing")
        }
        if head.lastSequence != last || head.lastMAC != previousMAC {
            return Report(checkedEntries: last, firstBadSequence: min(head.lastSequence, last) + 1,
                          problem: "the log ends at entry \(last) but the chain head records entry \(head.lastSequence)")
        }
        return Report(checkedEntries: last, firstBadSequence: nil, problem: nil)
    }
}
