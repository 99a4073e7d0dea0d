import Fluent
import Foundation
import SQLKit

/// Where `ams audit verify` may start: the newest checkpoint an earlier run wrote (the entry it verified up to, with a
/// MAC under the audit key so a row written into the table by someone without the key is refused, not trusted).
struct AuditCheckpoints: Sendable {
    let chain: AuditChain

    struct Forged: Error {
        let sequence: Int64
    }

    /// The newest checkpoint, or the genesis when there is none; a checkpoint whose MAC does not verify throws.
    func latest(on database: any Database) async throws -> AuditVerifier.Start {
        let sql = database as! any SQLDatabase
        guard let row = try await sql.select().column("sequence").column("entry_mac").column("checkpoint_mac").from("audit_checkpoints")
            .orderBy("sequence", .descending).limit(1).first() else { return .genesis }
        let sequence = try row.decode(column: "sequence", as: Int64.self)
        let entryMAC = try row.decode(column: "entry_mac", as: String.self)
        guard TokenDigest.constantTimeEquals(chain.checkpointMAC(sequence: sequence, entryMAC: entryMAC),
                                             try row.decode(column: "checkpoint_mac", as: String.self)) else { throw Forged(sequence: sequence) }
        return AuditVerifier.Start(sequence: sequence, mac: entryMAC)
    }

    func record(_ end: AuditVerifier.Start, at time: Date, on database: any Database) async throws {
        try await (database as! any SQLDatabase).insert(into: "audit_checkpoints")
            .columns("id", "sequence", "entry_mac", "checkpoint_mac", "created_at")
            .values(SQLBind(UUID()), SQLBind(end.sequence), SQLBind(end.mac),
                    SQLBind(chain.checkpointMAC(sequence: end.sequence, entryMAC: end.mac)), SQLBind(time))
            .run()
    }
}
