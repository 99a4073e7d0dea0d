import Foundation

/// The part a person plays in AMS. One account holds exactly one role.
public enum Role: String, Codable, CaseIterable, Sendable {
    /// Pemohon: the civil servant applying for a certificate.
    case applicant
    /// Operator Instansi: the registration operator of one agency (e.g. a provincial Diskominfo).
    case agencyOperator = "agency_operator"
    /// Operator CA: the national certificate authority's registration officer (in the SOP, BSrE).
    case caOperator = "ca_operator"
    /// Administrator: manages agencies, accounts and settings.
    case administrator
    /// Auditor: reads the audit log and reports, changes nothing.
    case auditor

    /// Whether an account with this role must belong to an agency.
    public var requiresAgency: Bool {
        switch self {
        case .applicant, .agencyOperator: return true
        case .caOperator, .administrator, .auditor: return false
        }
    }
}
