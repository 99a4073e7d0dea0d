import Foundation

/// Who may see and act on certificates: holders their own, agency operators their agency's, CA operators all;
/// administrators and auditors read only.
extension Permissions {
    /// Requesting a certificate for oneself (account holders only).
    public static func canRequestCertificate(actor: Actor) -> Bool {
        actor.role == .applicant
    }

    /// Opening the certificate list (each sees the part ``VisibilityScope/certificates(for:)`` gives).
    public static func canListCertificates(actor: Actor) -> Bool {
        VisibilityScope.certificates(for: actor) != .nothing
    }

    /// Seeing a certificate record and downloading the certificate (``VisibilityScope/certificates(for:)``).
    public static func canViewCertificate(actor: Actor, holderID: UUID, holderAgencyID: UUID?) -> Bool {
        VisibilityScope.certificates(for: actor).admits(ownerID: holderID, agencyID: holderAgencyID)
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
        canDecideCertificates(actor: actor) && actor.userID != holderID
    }

    /// Deciding issuance requests at all (the queue's "approve selected"; each request is still checked alone).
    public static func canDecideCertificates(actor: Actor) -> Bool {
        actor.role == .caOperator
    }

    /// Confirming or declining a request an agency application started for the holder: the holder only.
    public static func canConfirmCertificateRequest(actor: Actor, holderID: UUID) -> Bool {
        actor.role == .applicant && actor.userID == holderID
    }

    /// Renewing or replacing (forgotten passphrase): the holder only.
    public static func canRenewCertificate(actor: Actor, holderID: UUID) -> Bool {
        actor.role == .applicant && actor.userID == holderID
    }
}
