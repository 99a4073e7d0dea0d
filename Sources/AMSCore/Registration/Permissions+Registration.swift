import Foundation

extension Permissions {
    /// The level at which an operator would act on `event` for a request in `status`.
    public enum OperatorLevel: Sendable, Equatable { case agency, ca }

    public static func level(of event: RegistrationEvent, in status: RegistrationStatus) -> OperatorLevel? {
        switch event.actorKind {
        case .agencyOperator: return .agency
        case .caOperator: return .ca
        case .eitherOperator: return status == .agencyConfirmed ? .ca : .agency
        case .responsibleOperator: return status.liesWithCA ? .ca : .agency
        case .applicant: return nil
        }
    }

    /// The statuses in which a request waits for an operator of `role` (the queue's "waiting for me"): agency
    /// operators check (step 2) and confirm data (step 4); CA operators register identities (step 3) and verify.
    public static func statusesAwaiting(_ role: Role) -> [RegistrationStatus] {
        switch role {
        case .agencyOperator: return [.submitted, .dataSubmitted]
        case .caOperator: return [.forwardedToCA, .agencyConfirmed]
        default: return []
        }
    }

    /// Whether a signed-in operator may see a request (``VisibilityScope/registrationRequests(for:)``).
    public static func canView(actor: Actor, request: RegistrationFacts) -> Bool {
        VisibilityScope.registrationRequests(for: actor).admits(ownerID: nil, agencyID: request.agencyID, status: request.status)
    }

    /// Opening the operators' request queue.
    public static func canReadRequestQueue(actor: Actor) -> Bool {
        VisibilityScope.registrationRequests(for: actor) != .nothing
    }

    /// Entering a request on an applicant's behalf (SOP step 1 at the agency's desk): agency operators.
    public static func canEnterRequestForApplicant(actor: Actor) -> Bool {
        actor.role == .agencyOperator
    }

    /// Whether `actor` may cause `event` on the request. Applicant events are authorised by the request's private
    /// links, never by an operator account. Segregation of duties, by person (NIK) as well as by account: nobody acts
    /// on a request about themself, and nobody acts at both the agency and the CA level on the same request.
    public static func canApply(_ event: RegistrationEvent, actor: Actor, request: RegistrationFacts) -> Bool {
        guard let level = level(of: event, in: request.status) else { return false }
        switch level {
        case .agency:
            guard actor.role == .agencyOperator, actor.agencyID == request.agencyID else { return false }
            if request.caLevelActors.contains(actor.userID) || isOnePerson(actor, of: request.caLevelPersons) { return false }
        case .ca:
            guard actor.role == .caOperator else { return false }
            if request.agencyLevelActors.contains(actor.userID) || isOnePerson(actor, of: request.agencyLevelPersons) { return false }
        }
        return !isAboutThemself(actor: actor, request: request)
    }

    static func isOnePerson(_ actor: Actor, of persons: Set<String>) -> Bool {
        guard let nik = actor.nik, !nik.isEmpty else { return false }
        return persons.contains(nik)
    }

    static func isAboutThemself(actor: Actor, request: RegistrationFacts) -> Bool {
        if let email = actor.email, email.lowercased() == request.applicantEmail.lowercased() { return true }
        if let nik = actor.nik, !nik.isEmpty, nik == request.applicantNIK { return true }
        return false
    }
}
