import AMSCore
import Fluent
import Foundation

/// What waits for an operator (``AMSCore/Permissions/statusesAwaiting(_:)`` within what they may see): the queue's
/// "waiting for me" tab, the dashboard's counts and the hourly digest mail all count it here.
struct OperatorWorkload: Sendable {
    let standards: TimeStandards
    let database: any Database
    /// The pages count up to this many and no further (``QueryBuilder/cappedCount(_:)``; they show "1000+" beyond it,
    /// ``Counts/figure(_:)``): at a national CA's size tens of thousands of requests can wait for its operators. nil:
    /// exact (the digest mail, once an hour).
    var countCap: Int? = KeysetPage.countCap

    struct Counts: Sendable, Equatable {
        var waiting = 0
        var overdue = 0
        /// Came into the operator's waiting statuses after `since` (for the digest).
        var new = 0
        /// What they were counted up to (``OperatorWorkload/countCap``); nil: exactly.
        var cap: Int?

        /// "125", or "1000+" for a count that reached its cap, where a figure stands alone or inside a sentence.
        func figure(_ counted: Int) -> String {
            guard let cap, counted > cap else { return String(counted) }
            return "\(cap)+"
        }
    }

    /// The requests waiting for `user`, as a query.
    func waiting(for user: UserModel) -> QueryBuilder<RegistrationRequestModel> {
        RequestQueueController.visible(to: user, on: database).filter(\.$status ~~ Permissions.statusesAwaiting(user.role))
    }

    func counts(for user: UserModel, now: Date, newSince: Date? = nil) async throws -> Counts {
        guard !Permissions.statusesAwaiting(user.role).isEmpty else { return Counts() }
        var counts = Counts(cap: countCap)
        counts.waiting = try await count(waiting(for: user))
        counts.overdue = try await count(waiting(for: user).overdue(at: now, standards: standards))
        if let newSince { counts.new = try await count(waiting(for: user).filter(\.$stepStartedAt > newSince)) }
        return counts
    }

    private func count(_ query: QueryBuilder<RegistrationRequestModel>) async throws -> Int {
        guard let countCap else { return try await query.count() }
        return try await query.cappedCount(countCap)
    }
}

extension QueryBuilder where Model == RegistrationRequestModel {
    /// Only the requests waiting in their current step longer than its time standard allows at `now`: per status (each
    /// timed status has one step), so that the `status, step_started_at` indexes answer it.
    func overdue(at now: Date, standards: TimeStandards) -> Self {
        group(.or) { group in
            for status in RegistrationStatus.allCases {
                guard let step = WorkflowStep.current(for: status) else { continue }
                group.group(.and) { $0.filter(\.$status == status).filter(\.$stepStartedAt < now.addingTimeInterval(-standards.limit(for: step))) }
            }
        }
    }
}
