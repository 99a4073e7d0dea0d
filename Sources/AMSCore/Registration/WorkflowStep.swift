import Foundation

/// The timed steps of the SOP, each with its time standard (*Mutu Baku*), used as an SLA.
public enum WorkflowStep: String, CaseIterable, Codable, Sendable {
    /// Step 2: the agency operator checks the request (3 minutes).
    case agencyCheck = "agency_check"
    /// Step 3: the CA operator registers the identity (1 minute).
    case caRegistration = "ca_registration"
    /// Step 3b: the applicant completes the data (3 minutes).
    case applicantData = "applicant_data"
    /// Step 4: agency confirmation and CA verification (5 minutes).
    case verification

    /// The SOP's time standard; deployments may configure their own.
    public var sopStandard: TimeInterval {
        switch self {
        case .agencyCheck: return 3 * 60
        case .caRegistration: return 60
        case .applicantData: return 3 * 60
        case .verification: return 5 * 60
        }
    }

    /// The step a request is waiting in, for queues and SLA timing; nil when nobody is expected to act.
    public static func current(for status: RegistrationStatus) -> WorkflowStep? {
        switch status {
        case .submitted: return .agencyCheck
        case .forwardedToCA: return .caRegistration
        case .activationSent, .dataReturned: return .applicantData
        case .dataSubmitted, .agencyConfirmed: return .verification
        case .returnedByAgency, .newRequestRequested, .verified, .withdrawn, .closed: return nil
        }
    }
}
