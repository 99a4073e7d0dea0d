import Foundation

/// Where a registration request stands in the SOP flow. Raw values are stored.
public enum RegistrationStatus: String, Codable, CaseIterable, Sendable {
    /// Step 1 done: waiting for the agency operator's check (step 2).
    case submitted
    /// Step 2 outcome "return": the applicant corrects and resubmits through the status link.
    case returnedByAgency = "returned_by_agency"
    /// Step 2 outcome "forward": waiting for the CA operator (step 3).
    case forwardedToCA = "forwarded_to_ca"
    /// Step 3 outcome "ask for a new request": this request is closed.
    case newRequestRequested = "new_request_requested"
    /// Step 3 outcome "register": identity registered, activation link sent (step 3b pending).
    case activationSent = "activation_sent"
    /// Step 3b done: the applicant's data waits for the agency operator's confirmation (step 4).
    case dataSubmitted = "data_submitted"
    /// Step 4, agency part done: waiting for the CA operator's verification.
    case agencyConfirmed = "agency_confirmed"
    /// Step 4 outcome "reject": the applicant corrects the data.
    case dataReturned = "data_returned"
    /// Step 4 outcome "approve": the account exists (step 5 done in the same transaction).
    case verified
    /// The applicant withdrew the request.
    case withdrawn
    /// An operator closed the request with a reason (it could not go on, e.g. the person already has an account).
    case closed

    /// The statuses in which a request is over.
    public static let closedStatuses: [RegistrationStatus] = [.newRequestRequested, .verified, .withdrawn, .closed]

    public var isClosed: Bool { Self.closedStatuses.contains(self) }

    /// Whether the CA's operators are the ones to act next (the rest of an open request lies with the agency or the
    /// applicant, and an operator who closes it is the agency's).
    public var liesWithCA: Bool { [.forwardedToCA, .activationSent, .agencyConfirmed].contains(self) }
}
