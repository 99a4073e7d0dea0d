import AMSCore
import Fluent
import Foundation
import FluentSQL

/// When a timed SOP step started and ended for one request (the raw data of the time-standard reports).
final class StepTimingModel: Model, @unchecked Sendable {
    static let schema = "registration_step_timings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "request_id") var request: RegistrationRequestModel
    @Field(key: "agency_id") var agencyID: UUID
    @Field(key: "step") var step: WorkflowStep
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "ended_by_id") var endedByID: UUID?
    /// Counted in its day's and its month's tallies (``StepDurationPeriod``); only ended timings are.
    @Field(key: "rolled_up") var rolledUp: Bool

    init() {}

    init(requestID: UUID, agencyID: UUID, step: WorkflowStep, startedAt: Date) {
        self.$request.id = requestID
        self.agencyID = agencyID
        self.step = step
        self.startedAt = startedAt
        self.rolledUp = false
    }
}

extension StepTimingModel {
    /// The ended timings no tally counts yet, through the partial index `registration_step_timings_unrolled`
    /// (its condition written as the index states it, so SQLite sees that the index covers the query).
    static func notCounted(on database: any Database) -> QueryBuilder<StepTimingModel> {
        query(on: database).filter(.sql(embed: "NOT \(ident: "rolled_up")")).filter(\.$endedAt != nil)
    }
}

extension StepDurationTally {
    /// Counts an ended timing under its agency, the operator who ended it and its step, against that step's standard
    /// (the rollup pass and the report's part not counted yet tally alike).
    mutating func add(_ timing: StepTimingModel, standards: TimeStandards) {
        add(.init(agency: timing.agencyID, endedBy: timing.endedByID, step: timing.step),
            seconds: timing.endedAt!.timeIntervalSince(timing.startedAt), standard: standards.limit(for: timing.step))
    }
}
