import AMSCore
import Fluent
import Foundation

/// A stored audit entry. Rows are only ever inserted; each carries the MAC chaining it to the previous one.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int64
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "actor_role") var actorRole: String
    @Field(key: "action") var action: String
    @Field(key: "target_type") var targetType: String
    @Field(key: "target_id") var targetID: String
    @Field(key: "outcome") var outcome: AuditOutcome
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "request_id") var requestID: String
    @Field(key: "details") var details: String
    @Field(key: "previous_mac") var previousMAC: String
    @Field(key: "mac") var mac: String

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    var properties: [any AnyProperty] {
        [
            $id, $sequence, $occurredAt, $actorID, $actorName, $actorRole, $action, $targetType, $targetID, $outcome,
            $clientAddress, $requestID, $details, $previousMAC, $mac
        ]
    }

    init() {}

    init(record: AuditRecord, previousMAC: String, mac: String) {
        self.sequence = record.sequence
        self.occurredAt = record.occurredAt
        self.actorID = record.actorID
        self.actorName = record.actorName
        self.actorRole = record.actorRole
        self.action = record.action
        self.targetType = record.targetType
        self.targetID = record.targetID
        self.outcome = record.outcome
        self.clientAddress = record.clientAddress
        self.requestID = record.requestID
        self.details = record.detailsJSON
        self.previousMAC = previousMAC
        self.mac = mac
    }

    var record: AuditRecord {
        AuditRecord(sequence: sequence, occurredAt: occurredAt, actorID: actorID, actorName: actorName,
                    actorRole: actorRole, action: action, targetType: targetType, targetID: targetID,
                    outcome: outcome, clientAddress: clientAddress, requestID: requestID,
                    details: AuditRecord.details(fromJSON: details))
    }
}
