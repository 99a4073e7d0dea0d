import AMSCore
import Testing

@Suite("Registration state machine")
struct RegistrationWorkflowTests {
    /// The complete table: for every status, the events it accepts and where each leads. Everything else is refused.
    static let allowed: [RegistrationStatus: [RegistrationEvent: RegistrationStatus]] = [
        .submitted: [.forwardToCA: .forwardedToCA, .returnToApplicant: .returnedByAgency, .withdraw: .withdrawn, .close: .closed],
        .returnedByAgency: [.resubmit: .submitted, .withdraw: .withdrawn, .close: .closed],
        .forwardedToCA: [.registerIdentity: .activationSent, .requestNewRequest: .newRequestRequested, .withdraw: .withdrawn, .close: .closed],
        .newRequestRequested: [:],
        .activationSent: [.resendActivation: .activationSent, .completeData: .dataSubmitted, .withdraw: .withdrawn, .close: .closed],
        .dataSubmitted: [.confirmData: .agencyConfirmed, .returnData: .dataReturned, .withdraw: .withdrawn, .close: .closed],
        .agencyConfirmed: [.verify: .verified, .returnData: .dataReturned, .withdraw: .withdrawn, .close: .closed],
        .dataReturned: [.completeData: .dataSubmitted, .withdraw: .withdrawn, .close: .closed],
        .verified: [:],
        .withdrawn: [:],
        .closed: [:],
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
        let from: RegistrationStatus = event == .returnData ? .dataSubmitted : (event == .requestNewRequest ? .forwardedToCA : .submitted)
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

    @Test func closingEndsTheStepVoidsLinksAndTellsTheApplicant() throws {
        var workflow = RegistrationWorkflow(status: .activationSent)
        #expect(try workflow.apply(.close, reason: "account_exists") == [.voidActivationLinks, .endStep(.applicantData),
                                                                           .notifyApplicant(template: "request_closed")])
        #expect(workflow.status == .closed && workflow.status.isClosed && workflow.allowedEvents.isEmpty)
    }

    @Test(arguments: RegistrationEvent.allCases.filter(\.needsReason))
    func eachReasonedEventOffersItsStagesReasonsAndOtherNeedsAnExplanation(event: RegistrationEvent) {
        let codes = ReasonCatalogue.codes(for: event)
        #expect(codes.last == ReasonCatalogue.other && codes.count >= 3)
        #expect(ReasonCatalogue.problem(event: event, code: codes[0], explanation: "") == nil)
        #expect(ReasonCatalogue.problem(event: event, code: ReasonCatalogue.other, explanation: " \n") == .explanationRequired)
        #expect(ReasonCatalogue.problem(event: event, code: nil, explanation: "") == .explanationRequired)
        #expect(ReasonCatalogue.problem(event: event, code: ReasonCatalogue.other, explanation: "Nomor telepon tidak aktif") == nil)
        #expect(ReasonCatalogue.problem(event: event, code: "no_such_reason", explanation: "x") == .unknownCode)
    }

    @Test func aDataStageReturnOffersDataReasonsNotDocumentReasons() {
        #expect(ReasonCatalogue.codes(for: .returnToApplicant).contains("letter_unsigned"))
        #expect(!ReasonCatalogue.codes(for: .returnData).contains("letter_unsigned"))
        #expect(ReasonCatalogue.codes(for: .returnData).contains("birth_data_mismatch"))
        #expect(ReasonCatalogue.codes(for: .forwardToCA).isEmpty)
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
