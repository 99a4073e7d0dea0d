import AMSCore
import Testing

@Suite("Registration state machine")
struct RegistrationWorkflowTests {
    /// The complete table: for every status, the events it accepts and where each leads. Everything else is refused.
    static let allowed: [RegistrationStatus: [RegistrationEvent: RegistrationStatus]] = [
        .submitted: [.forwardToCA: .forwardedToCA, .returnToApplicant: .returnedByAgency, .withdraw: .withdrawn],
        .returnedByAgency: [.resubmit: .submitted, .withdraw: .withdrawn],
        .forwardedToCA: [.registerIdentity: .activationSent, .requestNewRequest: .newRequestRequested, .withdraw: .withdrawn],
        .newRequestRequested: [:],
        .activationSent: [.resendActivation: .activationSent, .completeData: .dataSubmitted, .withdraw: .withdrawn],
        .dataSubmitted: [.confirmData: .agencyConfirmed, .returnData: .dataReturned, .withdraw: .withdrawn],
        .agencyConfirmed: [.verify: .verified, .returnData: .dataReturned, .withdraw: .withdrawn],
        .dataReturned: [.completeData: .dataSubmitted, .withdraw: .withdrawn],
        .verified: [:],
        .withdrawn: [:],
    ]

    @Test func tableCoversEveryStatus() {
        #expect(Set(Self.allowed.keys) == Set(RegistrationStatus.allCases))
    }

    @Test(arguments: RegistrationStatus.allCases, RegistrationEvent.allCases)
    func everyStatusAndEvent(status: RegistrationStatus, event: RegistrationEvent) {
        // setup
        var workflow = RegistrationWorkflow(status: status)
        // act
        let result = Result { try workflow.apply(event, reason: "alasan yang jelas") }
        // check
        if let target = Self.allowed[status]?[event] {
            #expect((try? result.get()) != nil, "\(status) + \(event) should be allowed")
            #expect(workflow.status == target)
        } else {
            #expect(throws: WorkflowError.notAllowed(event, from: status)) { try result.get() }
            #expect(workflow.status == status, "a refused event changes nothing")
        }
    }

    @Test(arguments: RegistrationEvent.allCases.filter(\.needsReason))
    func eventsThatTheApplicantMustUnderstandNeedAReason(event: RegistrationEvent) {
        let from: RegistrationStatus = event == .returnData ? .dataSubmitted : (event == .returnToApplicant ? .submitted : .forwardedToCA)
        var workflow = RegistrationWorkflow(status: from)
        #expect(throws: WorkflowError.reasonRequired(event)) { try workflow.apply(event, reason: "  \n") }
        #expect(throws: WorkflowError.reasonRequired(event)) { try workflow.apply(event) }
        #expect(workflow.status == from)
    }

    @Test func theSOPHappyPathHasTheRightEffects() throws {
        // setup
        var (workflow, effects) = RegistrationWorkflow.submitted()
        #expect(effects.contains(.startStep(.agencyCheck)))
        // act + check, step by step
        #expect(try workflow.apply(.forwardToCA) == [.endStep(.agencyCheck), .startStep(.caRegistration),
                                                     .notifyApplicant(template: "request_forwarded")])
        effects = try workflow.apply(.registerIdentity)
        #expect(effects.contains(.issueActivationLink) && effects.contains(.startStep(.applicantData)))
        effects = try workflow.apply(.completeData)
        #expect(effects.contains(.voidActivationLinks) && effects.contains(.startStep(.verification)))
        _ = try workflow.apply(.confirmData)
        effects = try workflow.apply(.verify)
        #expect(effects == [.endStep(.verification), .createAccount])
        #expect(workflow.status == .verified && workflow.status.isClosed)
    }

    @Test func returnedRequestCanBeResubmitted() throws {
        var workflow = RegistrationWorkflow(status: .submitted)
        _ = try workflow.apply(.returnToApplicant, reason: "Surat rekomendasi belum ditandatangani kepala unit")
        #expect(workflow.status == .returnedByAgency)
        #expect(try workflow.apply(.resubmit).contains(.startStep(.agencyCheck)))
        #expect(workflow.status == .submitted)
    }

    @Test func resendingTheActivationVoidsTheOldLink() throws {
        var workflow = RegistrationWorkflow(status: .activationSent)
        #expect(try workflow.apply(.resendActivation) == [.voidActivationLinks, .issueActivationLink])
    }

    @Test func allowedEventsMatchTheTable() {
        for status in RegistrationStatus.allCases {
            #expect(Set(RegistrationWorkflow(status: status).allowedEvents) == Set(Self.allowed[status]!.keys), "\(status)")
        }
    }

    @Test func everyWaitingStatusHasATimedStep() {
        for status in RegistrationStatus.allCases {
            let step = WorkflowStep.current(for: status)
            #expect((step == nil) == (status.isClosed || status == .returnedByAgency), "\(status)")
        }
        #expect(WorkflowStep.agencyCheck.sopStandard == 180 && WorkflowStep.caRegistration.sopStandard == 60)
        #expect(WorkflowStep.applicantData.sopStandard == 180 && WorkflowStep.verification.sopStandard == 300)
    }
}
