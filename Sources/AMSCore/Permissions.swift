import Foundation

/// One authorization question per operation. Controllers ask here and nowhere else.
public enum Permissions {
    /// Creating and editing agencies and their e-mail domains.
    public static func canManageAgencies(actor: Actor) -> Bool {
        actor.role == .administrator
    }

    /// Creating accounts with the given role. Administrators create staff accounts (operators, auditors, other
    /// administrators); applicant accounts come from the registration workflow.
    public static func canCreateAccount(actor: Actor, role: Role) -> Bool {
        guard actor.role == .administrator else { return false }
        return role != .applicant
    }

    /// Changing another account's role or disabling it.
    public static func canManageAccounts(actor: Actor) -> Bool {
        actor.role == .administrator
    }

    /// Reading and exporting the audit log.
    public static func canReadAuditLog(actor: Actor) -> Bool {
        actor.role == .administrator || actor.role == .auditor
    }

    /// Reading the time-standard reports (``VisibilityScope/reports(for:)``: agency operators their own agency).
    public static func canReadReports(actor: Actor) -> Bool {
        VisibilityScope.reports(for: actor) != .nothing
    }

    /// Keeping one's own certificate data current (`/profile`): account holders.
    public static func canEditOwnProfile(actor: Actor) -> Bool {
        actor.role == .applicant
    }

    /// Opening the list of holders whose changed data waits for re-verification: agency and CA operators (each
    /// holder is still checked with ``canReverify(actor:holderID:holderAgencyID:)``).
    public static func canReadReverifications(actor: Actor) -> Bool {
        [.agencyOperator, .caOperator].contains(actor.role)
    }

    /// Re-verifying a holder's changed identity: CA operators, or the agency operator of the holder's agency; never
    /// one's own account.
    public static func canReverify(actor: Actor, holderID: UUID, holderAgencyID: UUID?) -> Bool {
        guard actor.userID != holderID else { return false }
        switch actor.role {
        case .caOperator: return true
        case .agencyOperator: return holderAgencyID != nil && actor.agencyID == holderAgencyID
        default: return false
        }
    }

    /// Reading the mail outbox, which may hold undelivered initial passwords and links.
    public static func canReadOutbox(actor: Actor) -> Bool {
        actor.role == .administrator
    }
}
