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
        let awaited = Permissions.statusesAwaiting(user.role)
        guard !awaited.isEmpty else { return Counts() }
        var counts = Counts(cap: countCap)
        counts.waiting = try await count(waiting(for: user))
        counts.overdue = try await RequestQueueController.visible(to: user, on: database)
            .overdueCount(in: awaited, at: now, standards: standards, cap: countCap)
        if let newSince { counts.new = try await count(waiting(for: user).filter(\.$stepStartedAt > newSince)) }
        return counts
    }

    private func count(_ query: QueryBuilder<RegistrationRequestModel>) async throws -> Int {
        guard let countCap else { return try await query.count() }
        return try await query.cappedCount(countCap)
    }
}

extension QueryBuilder where Model == RegistrationRequestModel {
    /// How many of these requests in `statuses` wait in their current step longer than its time standard allows at
    /// `now`; up to `cap` + 1 in all when a cap is given (``QueryBuilder/cappedCount(_:)``). Counted status by status,
    /// each a range of its `status, step_started_at` index that the database reads only as far as it needs: asked as
    /// one OR of the statuses' ranges, PostgreSQL gathers every waiting request of them all before counting any.
    func overdueCount(in statuses: [RegistrationStatus], at now: Date, standards: TimeStandards, cap: Int?) async throws -> Int {
        var total = 0
        for status in statuses {
            guard let step = WorkflowStep.current(for: status) else { continue }
            let overdue = copy().filter(\.$status == status).filter(\.$stepStartedAt < now.addingTimeInterval(-standards.limit(for: step)))
            guard let cap else {
                total += try await overdue.count()
                continue
            }
            total += try await overdue.cappedCount(cap - total)
            if total > cap { break }
        }
        return total
    }
}
