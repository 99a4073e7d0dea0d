import Fluent
import Foundation

/// Points where tests make AMS fail on purpose, to prove that nothing is lost when a process dies mid-way. Empty
/// (no faults) in production.
struct FaultInjection: Sendable {
    /// Runs after a certificate's intent (serial, subject, holder) is committed and before it is signed.
    var afterIssuingIntent: (@Sendable () throws -> Void)?
    /// Runs on the reports' database before the time-standard report aggregates (a test makes a report slow here).
    var beforeReport: (@Sendable (any Database) async throws -> Void)?
}
