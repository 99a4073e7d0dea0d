import Foundation

/// The time rules of a certificate's life: when renewal opens and when expiry reminders go out.
public struct CertificateLifecyclePolicy: Sendable, Equatable {
    /// Renewal opens this long before notAfter.
    public var renewalWindow: TimeInterval
    /// Reminder mails go out when the remaining validity falls to each of these (descending), once each.
    public var reminderThresholds: [TimeInterval]

    public init(renewalWindow: TimeInterval = 30 * 86_400,
                reminderThresholds: [TimeInterval] = [30 * 86_400, 7 * 86_400, 86_400]) {
        self.renewalWindow = renewalWindow
        self.reminderThresholds = reminderThresholds.sorted(by: >)
    }

    /// Whether a certificate may be renewed now.
    public func mayRenew(status: CertificateStatus, notAfter: Date, now: Date) -> Bool {
        status == .issued && now < notAfter && notAfter.timeIntervalSince(now) <= renewalWindow
    }

    /// The reminder stage a certificate has reached (0: none yet; 1: the first threshold; …).
    public func reminderStage(notAfter: Date, now: Date) -> Int {
        let remaining = notAfter.timeIntervalSince(now)
        guard remaining > 0 else { return 0 }
        return reminderThresholds.filter { remaining <= $0 }.count
    }

    /// Days left, rounded up, for the reminder text.
    public func daysLeft(notAfter: Date, now: Date) -> Int {
        max(0, Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.up)))
    }
}
