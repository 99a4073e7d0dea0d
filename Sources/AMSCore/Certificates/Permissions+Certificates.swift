import Foundation

/// Who may see and act on certificates: holders their own, agency operators their agency's, CA operators all;
/// administrators and auditors read only.
extension Permissions {
    /// Requesting a certificate for oneself (account holders only).
    public static func canRequestCertificate(actor: Actor) -> Bool {
        actor.role == .applicant
    }

    /// Seeing a certificate record and downloading the certificate.
    public static func canViewCertificate(actor: Actor, holderID: UUID, holderAgencyID: UUID?) -> Bool {
        switch actor.role {
        case .applicant: return actor.userID == holderID
        case .agencyOperator: return holderAgencyID != nil && actor.agencyID == holderAgencyID
        case .caOperator, .administrator, .auditor: return true
        }
    }

    /// Revoking: the holder (after re-authenticating), the holder's agency operator, or a CA operator.
    public static func canRevokeCertificate(actor: Actor, holderID: UUID, holderAgencyID: UUID?) -> Bool {
        switch actor.role {
        case .applicant: return actor.userID == holderID
        case .agencyOperator: return holderAgencyID != nil && actor.agencyID == holderAgencyID && actor.userID != holderID
        case .caOperator: return actor.userID != holderID
        case .administrator, .auditor: return false
        }
    }

    /// Approving or rejecting an issuance request (the SOP's CA operator; never for oneself).
    public static func canDecideCertificate(actor: Actor, holderID: UUID) -> Bool {
        actor.role == .caOperator && actor.userID != holderID
    }

    /// Renewing or replacing (forgotten passphrase): the holder only.
    public static func canRenewCertificate(actor: Actor, holderID: UUID) -> Bool {
        actor.role == .applicant && actor.userID == holderID
    }
}
