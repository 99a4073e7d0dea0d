import AMSCore
import Fluent
import Foundation

/// Applies ``LoginThrottlePolicy`` per account name and per client address from stored attempts.
struct LoginThrottle: Sendable {
    let clock: any AMSCore.Clock
    var perAccount = LoginThrottlePolicy.perAccount
    var perAddress = LoginThrottlePolicy.perAddress

    func decision(accountKey: String, clientAddress: String, on database: any Database) async throws -> ThrottleDecision {
        let now = clock.now
        // An account's count restarts after its own successful sign-in; an address's does not (one valid account
        // must not let an address keep guessing at others).
        let accountFailures = try await failures(\.$accountKey, accountKey, window: perAccount.lookback,
                                                 resetOnSuccess: true, now: now, on: database)
        let addressFailures = try await failures(\.$clientAddress, clientAddress, window: perAddress.lookback,
                                                 resetOnSuccess: false, now: now, on: database)
        return LoginThrottlePolicy.stricter(perAccount.decision(failures: accountFailures, now: now),
                                            perAddress.decision(failures: addressFailures, now: now))
    }

    func record(accountKey: String, clientAddress: String, succeeded: Bool, on database: any Database) async throws {
        try await LoginAttemptModel(accountKey: accountKey, clientAddress: clientAddress, succeeded: succeeded,
                                    occurredAt: clock.now).create(on: database)
    }

    /// Failure times within the window (and, if asked, after the key's last success).
    private func failures(_ field: KeyPath<LoginAttemptModel, FieldProperty<LoginAttemptModel, String>>, _ value: String,
                          window: TimeInterval, resetOnSuccess: Bool, now: Date, on database: any Database) async throws -> [Date] {
        let attempts = try await LoginAttemptModel.query(on: database)
            .filter(field == value)
            .filter(\.$occurredAt > now.addingTimeInterval(-window))
            .sort(\.$occurredAt, .descending)
            .limit(200)
            .all()
        var result: [Date] = []
        for attempt in attempts {
            if attempt.succeeded {
                if resetOnSuccess { break }
                continue
            }
            result.append(attempt.occurredAt)
        }
        return result
    }
}
