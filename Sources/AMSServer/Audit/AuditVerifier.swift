import AMSCore
import Fluent
import Foundation

/// Walks the audit log and checks the chain: contiguous sequence numbers from 1, each entry's link to the previous
/// MAC, each MAC, and the head row matching the last entry (so a cut-off tail is found too). From a checkpoint (a
/// sequence and MAC an earlier run verified, vouched for by a MAC of its own) it checks that the checkpoint's entry
/// still carries that MAC and walks on from there: a nightly run reads what is new, not the whole log.
package struct AuditVerifier: Sendable {
    package struct Report: Sendable, Equatable {
        package var checkedEntries: Int64
        /// The sequence number of the first entry that fails, or nil when the log is intact.
        var firstBadSequence: Int64?
        var problem: String?
        /// The last entry verified (intact logs only): the next checkpoint.
        var end: Start?
        package var isIntact: Bool { problem == nil }
    }

    let chain: AuditChain
    var batchSize = 2000

    /// Where a walk starts: after entry `sequence`, whose MAC is `mac` (the genesis: 0 and zeros).
    package struct Start: Sendable, Equatable {
        var sequence: Int64
        var mac: String

        package static let genesis = Start(sequence: 0, mac: AuditChain.genesisMAC)
    }

    package func verify(on database: any Database, from start: Start = .genesis) async throws -> Report {
        var expected: Int64 = start.sequence + 1
        var previousMAC = start.mac
        if start != .genesis {
            let entry = try await AuditEntryModel.query(on: database).filter(\.$sequence == start.sequence).first()
            guard let entry, TokenDigest.constantTimeEquals(entry.mac, start.mac) else {
                return Report(checkedEntries: 0, firstBadSequence: start.sequence,
                              problem: "entry \(start.sequence) no longer matches the checkpoint (altered or removed)")
            }
        }
        var failure: Report?
        try await AuditEntryBatches(database: database, batchSize: batchSize).forEach(after: start.sequence) { batch in
            for entry in batch {
                let problem: String?
                if entry.sequence != expected {
                    problem = "entry \(expected) is missing (next present is \(entry.sequence))"
                } else if entry.previousMAC != previousMAC {
                    problem = "entry \(expected) does not link to entry \(expected - 1)"
                } else if let record = entry.record {
                    let recomputed = chain.mac(previousMAC: previousMAC, record: record)
                    problem = TokenDigest.constantTimeEquals(recomputed, entry.mac) ? nil : "entry \(expected) was altered (MAC mismatch)"
                } else {
                    problem = "entry \(expected) was altered (its outcome is no known outcome)"
                }
                if let problem {
                    failure = Report(checkedEntries: expected - 1 - start.sequence, firstBadSequence: expected, problem: problem)
                    return false
                }
                previousMAC = entry.mac
                expected += 1
            }
            return true
        }
        if let failure { return failure }
        let last = expected - 1
        let checked = last - start.sequence
        guard let head = try await AuditChainHeadModel.find(1, on: database) else {
            return Report(checkedEntries: checked, firstBadSequence: last + 1, problem: "the chain head row is missing")
        }
        if head.lastSequence != last || head.lastMAC != previousMAC {
            return Report(checkedEntries: checked, firstBadSequence: min(head.lastSequence, last) + 1,
                          problem: "the log ends at entry \(last) but the chain head records entry \(head.lastSequence)")
        }
        return Report(checkedEntries: checked, firstBadSequence: nil, problem: nil, end: Start(sequence: last, mac: previousMAC))
    }
}
