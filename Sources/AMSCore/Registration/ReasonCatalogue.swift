import Foundation

/// The reasons an operator may pick for an event that needs one, by the stage it happens at: a document-stage return
/// offers document reasons, a data-stage return data reasons. Codes are stored; pages and mails show them in their
/// reader's language (`reason_<code>`), followed by the operator's own explanation. ``other`` needs that explanation.
public enum ReasonCatalogue {
    public static let other = "other"

    /// The codes offered for `event`, ``other`` last; empty for events that take no reason.
    public static func codes(for event: RegistrationEvent) -> [String] {
        switch event {
        case .returnToApplicant:
            return ["letter_unsigned", "decree_mismatch", "email_not_official", "data_mismatch", "unreadable", other]
        case .requestNewRequest:
            return ["identity_mismatch", "data_mismatch", "not_entitled", other]
        case .returnData:
            return ["name_mismatch", "birth_data_mismatch", "address_incomplete", "identity_mismatch", other]
        case .close:
            return ["account_exists", "duplicate_request", "applicant_unreachable", "not_entitled", other]
        default:
            return []
        }
    }

    /// Why a picked reason cannot be taken, or nil when it can: a code from ``codes(for:)`` (or none, when the
    /// explanation says it all), and an explanation whenever the code is ``other`` or missing.
    public static func problem(event: RegistrationEvent, code: String?, explanation: String) -> Problem? {
        guard event.needsReason else { return nil }
        if let code, !codes(for: event).contains(code) { return .unknownCode }
        if (code == nil || code == other), explanation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .explanationRequired }
        return nil
    }

    public enum Problem: Sendable, Equatable {
        case unknownCode
        case explanationRequired
    }
}
