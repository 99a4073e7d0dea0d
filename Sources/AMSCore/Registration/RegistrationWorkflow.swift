import Foundation

/// The registration request's state machine (SOP steps 1–4): a value with one method per event. Each method either
/// moves to the next status and returns the effects to carry out, or throws ``WorkflowError`` and changes nothing.
/// No I/O; who may cause an event is ``Permissions``' question, not this type's.
public struct RegistrationWorkflow: Sendable, Equatable {
    public private(set) var status: RegistrationStatus

    /// A request as step 1 leaves it.
    public static func submitted() -> (RegistrationWorkflow, [RegistrationEffect]) {
        (RegistrationWorkflow(status: .submitted), [.notifyApplicant(template: "request_received"), .startStep(.agencyCheck)])
    }

    public init(status: RegistrationStatus) {
        self.status = status
    }

    /// Applies `event`; `reason` is required for the events that need one.
    public mutating func apply(_ event: RegistrationEvent, reason: String? = nil) throws -> [RegistrationEffect] {
        if event.needsReason, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw WorkflowError.reasonRequired(event)
        }
        let (next, effects): (RegistrationStatus, [RegistrationEffect])
        switch (status, event) {
        case (.submitted, .forwardToCA):
            (next, effects) = (.forwardedToCA, [.endStep(.agencyCheck), .startStep(.caRegistration),
                                                .notifyApplicant(template: "request_forwarded")])
        case (.submitted, .returnToApplicant):
            (next, effects) = (.returnedByAgency, [.endStep(.agencyCheck), .notifyApplicant(template: "request_returned")])
        case (.returnedByAgency, .resubmit):
            (next, effects) = (.submitted, [.startStep(.agencyCheck), .notifyApplicant(template: "request_resubmitted")])
        case (.forwardedToCA, .registerIdentity):
            (next, effects) = (.activationSent, [.endStep(.caRegistration), .issueActivationLink, .startStep(.applicantData)])
        case (.forwardedToCA, .requestNewRequest):
            (next, effects) = (.newRequestRequested, [.endStep(.caRegistration), .notifyApplicant(template: "new_request_requested")])
        case (.activationSent, .resendActivation):
            (next, effects) = (.activationSent, [.voidActivationLinks, .issueActivationLink])
        case (.activationSent, .completeData), (.dataReturned, .completeData):
            (next, effects) = (.dataSubmitted, [.voidActivationLinks, .endStep(.applicantData), .startStep(.verification)])
        case (.dataSubmitted, .confirmData):
            (next, effects) = (.agencyConfirmed, [])
        case (.dataSubmitted, .returnData), (.agencyConfirmed, .returnData):
            (next, effects) = (.dataReturned, [.endStep(.verification), .startStep(.applicantData), .issueActivationLink,
                                               .notifyApplicant(template: "data_returned")])
        case (.agencyConfirmed, .verify):
            (next, effects) = (.verified, [.endStep(.verification), .createAccount])
        case (let current, .withdraw) where !current.isClosed:
            var closing: [RegistrationEffect] = [.voidActivationLinks]
            if let step = WorkflowStep.current(for: current) { closing.append(.endStep(step)) }
            (next, effects) = (.withdrawn, closing + [.notifyApplicant(template: "request_withdrawn")])
        case (let current, .close) where !current.isClosed:
            var closing: [RegistrationEffect] = [.voidActivationLinks]
            if let step = WorkflowStep.current(for: current) { closing.append(.endStep(step)) }
            (next, effects) = (.closed, closing + [.notifyApplicant(template: "request_closed")])
        default:
            throw WorkflowError.notAllowed(event, from: status)
        }
        status = next
        return effects
    }

    /// Every event the current status accepts (for showing only the buttons that can work).
    public var allowedEvents: [RegistrationEvent] {
        RegistrationEvent.allCases.filter { event in
            var copy = self
            return (try? copy.apply(event, reason: "x")) != nil
        }
    }
}

/// Why a transition was refused, with the event and status; its ``code`` is one of ``DomainError/Code``.
public enum WorkflowError: Error, Sendable, Equatable {
    case notAllowed(RegistrationEvent, from: RegistrationStatus)
    case reasonRequired(RegistrationEvent)

    public var code: DomainError.Code {
        switch self {
        case .notAllowed: return .transitionNotAllowed
        case .reasonRequired: return .reasonRequired
        }
    }
}
