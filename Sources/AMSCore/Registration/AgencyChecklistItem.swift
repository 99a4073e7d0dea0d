import Foundation

/// SOP step 2's checklist: what the agency operator confirms before forwarding a request to the CA. Forwarding with
/// any item unconfirmed is refused, through every channel (the operator returns the request instead).
public enum AgencyChecklistItem: String, CaseIterable, Sendable {
    /// The recommendation letter is signed by the head of unit.
    case letterSigned = "letter_signed"
    /// The job decree matches the stated position.
    case decreeMatches = "decree_matches"
    /// The e-mail address is the applicant's official mailbox.
    case emailOfficial = "email_official"

    /// Whether `confirmed` covers every item.
    public static func isComplete(_ confirmed: Set<AgencyChecklistItem>) -> Bool {
        confirmed.isSuperset(of: allCases)
    }
}
