import Foundation

/// What must happen, in the same transaction, because of a transition. The state machine only names these; the
/// application carries them out.
public enum RegistrationEffect: Sendable, Equatable {
    /// Mail the applicant (template key), with the reason where the event carries one.
    case notifyApplicant(template: String)
    /// Make a new single-use activation link and mail it.
    case issueActivationLink
    /// Void every activation link of the request that is still usable.
    case voidActivationLinks
    /// Create the applicant's account (SOP step 5) and mail the initial password.
    case createAccount
    /// Close the timing of a step.
    case endStep(WorkflowStep)
    /// Open the timing of a step.
    case startStep(WorkflowStep)
}
