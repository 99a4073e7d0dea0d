import AMSCore
import Fluent
import Foundation
import SQLKit

/// Applies ``LoginThrottlePolicy`` from stored attempts: per account name *from one client address* (five wrong
/// passwords from anywhere must not lock the owner out at their own desk) and per client address across all
/// accounts (one address must not guess at many). Every check of a signed-in user's password counts here too.
struct LoginThrottle: Sendable {
    let clock: any AMSCore.Clock
    var perAccount = LoginThrottlePolicy.perAccount
    var perAddress = LoginThrottlePolicy.perAddress

    func decision(accountKey: String, clientAddress: String, on database: any Database) async throws -> ThrottleDecision {
        let now = clock.now
        // An account's count from an address restarts after its own successful sign-in there; an address's does not
        // (one valid account must not let an address keep guessing at others).
        let accountFailures = try await failures(accountKey: Self.storedKey(accountKey), clientAddress: clientAddress,
                                                 window: perAccount.lookback, resetOnSuccess: true, now: now, on: database)
        let addressFailures = try await failures(accountKey: nil, clientAddress: clientAddress, window: perAddress.lookback,
                                                 resetOnSuccess: false, now: now, on: database)
        return LoginThrottlePolicy.stricter(perAccount.decision(failures: accountFailures, now: now),
                                            perAddress.decision(failures: addressFailures, now: now))
    }

    func record(accountKey: String, clientAddress: String, succeeded: Bool, on database: any Database) async throws {
        try await LoginAttemptModel(accountKey: Self.storedKey(accountKey), clientAddress: clientAddress, succeeded: succeeded,
                                    occurredAt: clock.now).create(on: database)
    }

    /// Attempts deleted per transaction by ``prune(on:)``.
    static let pruneBatchSize = 5_000

    /// Deletes the attempts too old for either lookback to count (the housekeeping pass), through the index on their
    /// time; returns how many. Sign-ins and their failures stay in the audit log.
    func prune(on database: any Database) async throws -> Int {
        let cutoff = clock.now.addingTimeInterval(-max(perAccount.lookback, perAddress.lookback))
        return try await BatchedDelete(table: LoginAttemptModel.schema, condition: "occurred_at < \(bind: cutoff)",
                                       batchSize: Self.pruneBatchSize).run(on: database)
    }

    /// What is stored of an account name: its SHA-256 (the name may be a password typed into the wrong field).
    static func storedKey(_ accountKey: String) -> String {
        TokenDigest.hex(accountKey)
    }

    /// Failure times within the window from the address (for one account, if given), and, if asked, after the last
    /// success there.
    private func failures(accountKey: String?, clientAddress: String, window: TimeInterval, resetOnSuccess: Bool, now: Date,
                          on database: any Database) async throws -> [Date] {
        var query = LoginAttemptModel.query(on: database).filter(\.$clientAddress == clientAddress)
        if let accountKey { query = query.filter(\.$accountKey == accountKey) }
        let attempts = try await query.filter(\.$occurredAt > now.addingTimeInterval(-window))
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
