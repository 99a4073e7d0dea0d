import AMSCore
import Fluent
import Foundation

/// One entry of a request's timeline, shown to operators and (without operator names) to the applicant.
final class RegistrationEventModel: Model, @unchecked Sendable {
    static let schema = "registration_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "request_id") var request: RegistrationRequestModel
    /// A ``RegistrationEvent`` raw value, or `submit` for step 1.
    @Field(key: "event") var event: String
    @OptionalField(key: "from_status") var fromStatus: RegistrationStatus?
    @Field(key: "to_status") var toStatus: RegistrationStatus
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    /// The operator's NIK (the person behind the account), for segregation of duties.
    @OptionalField(key: "actor_nik") var actorNIK: String?
    /// `applicant`, `agency` or `ca`.
    @Field(key: "level") var level: String
    /// The operator's explanation; the picked reason is ``reasonCode`` (``AMSCore/ReasonCatalogue``).
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "reason_code") var reasonCode: String?
    /// The operator's own note.
    @OptionalField(key: "note") var note: String?
    /// What a resubmission changed: JSON of ``AMSCore/RequestChange`` values.
    @OptionalField(key: "changes") var changes: String?
    /// The checklist items an agency operator confirmed when forwarding (``AMSCore/AgencyChecklistItem`` codes, comma-separated).
    @OptionalField(key: "checklist") var checklist: String?
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(requestID: UUID, event: String, from: RegistrationStatus?, to: RegistrationStatus, actorID: UUID?, actorName: String,
         level: String, reason: String?, note: String?, occurredAt: Date) {
        self.$request.id = requestID
        self.event = event
        self.fromStatus = from
        self.toStatus = to
        self.actorID = actorID
        self.actorName = actorName
        self.level = level
        self.reason = reason
        self.note = note
        self.occurredAt = occurredAt
    }
}
