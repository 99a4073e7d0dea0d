import Fluent
import Foundation

/// The single row holding the end of the audit chain. Appenders lock it first, so entries get gap-free,
/// ordered sequence numbers even with several server instances, and truncating the log's tail is detectable.
final class AuditChainHeadModel: Model, @unchecked Sendable {
    static let schema = "audit_chain_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "last_sequence") var lastSequence: Int64
    @Field(key: "last_mac") var lastMAC: String

    init() {}

    init(id: Int, lastSequence: Int64, lastMAC: String) {
        self.id = id
        self.lastSequence = lastSequence
        self.lastMAC = lastMAC
    }
}
