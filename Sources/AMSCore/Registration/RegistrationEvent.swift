import Foundation

/// Something that happens to a registration request, with the level of the SOP at which it happens.
public enum RegistrationEvent: String, CaseIterable, Sendable {
    /// Agency operator sends the request file to the CA (step 2, data right).
    case forwardToCA = "forward_to_ca"
    /// Agency operator returns the request with a reason (step 2, data not right).
    case returnToApplicant = "return_to_applicant"
    /// Applicant resubmits a returned request.
    case resubmit
    /// CA operator registers the identity and sends the activation link (step 3, identity matches).
    case registerIdentity = "register_identity"
    /// CA operator asks for a new request (step 3, identity does not match).
    case requestNewRequest = "request_new_request"
    /// CA operator sends a new activation link, voiding the old one.
    case resendActivation = "resend_activation"
    /// Applicant completes the data through the activation link (step 3b).
    case completeData = "complete_data"
    /// Agency operator confirms the applicant's data to the CA (step 4).
    case confirmData = "confirm_data"
    /// An operator sends the data back to the applicant with a reason (step 4, reject).
    case returnData = "return_data"
    /// CA operator verifies the data; the account is created (steps 4 and 5).
    case verify
    /// Applicant withdraws the request.
    case withdraw
    /// The operator the request lies with closes it with a reason (a request that cannot go on).
    case close

    /// Who may cause the event.
    public var actorKind: ActorKind {
        switch self {
        case .forwardToCA, .returnToApplicant, .confirmData: return .agencyOperator
        case .registerIdentity, .requestNewRequest, .resendActivation, .verify: return .caOperator
        case .resubmit, .completeData, .withdraw: return .applicant
        case .returnData: return .eitherOperator
        case .close: return .responsibleOperator
        }
    }

    public enum ActorKind: Sendable, Equatable {
        case applicant
        case agencyOperator
        case caOperator
        /// Agency operator before its confirmation, CA operator after it.
        case eitherOperator
        /// The CA operator while the request lies with the CA (``RegistrationStatus/liesWithCA``), else the agency operator.
        case responsibleOperator
    }

    /// Whether the event needs a reason the applicant will see.
    public var needsReason: Bool { [.returnToApplicant, .requestNewRequest, .returnData, .close].contains(self) }
}
