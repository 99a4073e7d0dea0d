import Foundation

extension Permissions {
    /// Seeing seals: an agency operator sees their agency's, a CA operator, an administrator and an auditor all.
    public static func canReadSeals(actor: Actor, sealAgencyID: UUID?) -> Bool {
        switch actor.role {
        case .caOperator, .administrator, .auditor: return true
        case .agencyOperator: return sealAgencyID == nil || (actor.agencyID != nil && actor.agencyID == sealAgencyID)
        case .applicant: return false
        }
    }

    /// Requesting a seal for an agency, and keeping its list of who may seal: that agency's operator.
    public static func canManageSeal(actor: Actor, agencyID: UUID) -> Bool {
        actor.role == .agencyOperator && actor.agencyID == agencyID
    }

    /// Approving, refusing and revoking seals: CA operators.
    public static func canDecideSeals(actor: Actor) -> Bool {
        actor.role == .caOperator
    }
}
