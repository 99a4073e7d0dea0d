import AMSCore
import Fluent
import Foundation
import NIOConcurrencyHelpers

/// One registration request as the operators' queue shows it: only the columns a queue row needs, read into a plain
/// value. A queue page reads up to a page's worth of rows for every open status to merge them; as whole models (31
/// fields, each decoded through its property wrapper, plus the agency loaded with each) those rows cost more than the
/// rest of the page.
struct QueueEntry: Sendable {
    let id: UUID
    let createdAt: Date
    let trackingNumber: String
    let status: RegistrationStatus
    let fullName: String
    let nip: String
    let currentStep: WorkflowStep?
    let stepStartedAt: Date?
    let agencyID: UUID

    /// The columns read, named by key: a key path (`\.$status`) would make a whole model to find its key each time.
    private static let columns: [FieldKey] = [.id, "created_at", "tracking_number", "status", "full_name", "nip", "current_step",
                                              "step_started_at", "agency_id"]

    /// The entries `query` finds, in its order.
    static func read(_ query: QueryBuilder<RegistrationRequestModel>) async throws -> [QueueEntry] {
        let selected = query.copy()
        for column in columns {
            selected.field(.extendedPath([column], schema: RegistrationRequestModel.schema, space: nil))
        }
        let read = NIOLockedValueBox<[Result<QueueEntry, any Error>]>([])
        try await selected.run { output in
            let entry = Result { try QueueEntry(output.qualifiedSchema(space: nil, RegistrationRequestModel.schema)) }
            read.withLockedValue { $0.append(entry) }
        }.get()
        return try read.withLockedValue { $0 }.map { try $0.get() }
    }

    private init(_ row: any DatabaseOutput) throws {
        id = try row.decode(.id, as: UUID.self)
        createdAt = try row.decode("created_at", as: Date.self)
        trackingNumber = try row.decode("tracking_number", as: String.self)
        status = try row.decode("status", as: RegistrationStatus.self)
        fullName = try row.decode("full_name", as: String.self)
        nip = try row.decode("nip", as: String.self)
        currentStep = try row.decodeNil("current_step") ? nil : row.decode("current_step", as: WorkflowStep.self)
        stepStartedAt = try row.decodeNil("step_started_at") ? nil : row.decode("step_started_at", as: Date.self)
        agencyID = try row.decode("agency_id", as: UUID.self)
    }
}
