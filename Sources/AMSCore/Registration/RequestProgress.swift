import Foundation

/// Where a request stands on the applicant's way through the SOP, as the status page's stepper shows it: six stages
/// (submitted, agency check, CA registration, the applicant's data, verification, account), the one in progress, and
/// whose turn it is.
public struct RequestProgress: Sendable, Equatable {
    public enum Stage: String, CaseIterable, Sendable {
        case submitted
        case agencyCheck = "agency_check"
        case caRegistration = "ca_registration"
        case applicantData = "applicant_data"
        case verification
        case account

        /// The SOP step whose time standard applies, for the stages that have one.
        public var step: WorkflowStep? {
            switch self {
            case .agencyCheck: return .agencyCheck
            case .caRegistration: return .caRegistration
            case .applicantData: return .applicantData
            case .verification: return .verification
            case .submitted, .account: return nil
            }
        }
    }

    /// The stage in progress; nil when the request is over (every stage done, or closed on the way).
    public let current: Stage?
    /// Stages done.
    public let done: Set<Stage>
    /// Whether the applicant must act now (correct a returned request, complete the data).
    public let applicantsTurn: Bool

    public init(_ status: RegistrationStatus) {
        let order = Stage.allCases
        func upTo(_ stage: Stage) -> Set<Stage> { Set(order.prefix { $0 != stage }) }
        switch status {
        case .submitted: (current, done, applicantsTurn) = (.agencyCheck, upTo(.agencyCheck), false)
        case .returnedByAgency: (current, done, applicantsTurn) = (.agencyCheck, upTo(.agencyCheck), true)
        case .forwardedToCA: (current, done, applicantsTurn) = (.caRegistration, upTo(.caRegistration), false)
        case .activationSent, .dataReturned: (current, done, applicantsTurn) = (.applicantData, upTo(.applicantData), true)
        case .dataSubmitted, .agencyConfirmed: (current, done, applicantsTurn) = (.verification, upTo(.verification), false)
        case .verified: (current, done, applicantsTurn) = (nil, Set(order), false)
        case .newRequestRequested, .withdrawn, .closed: (current, done, applicantsTurn) = (nil, [], false)
        }
    }
}
