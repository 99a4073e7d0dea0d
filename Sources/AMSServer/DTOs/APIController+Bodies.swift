import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``APIController``.
extension APIController {
    struct RequestSummary: Content {
        let id: UUID
        let trackingNumber: String
        let status: RegistrationStatus
        let version: Int
        let fullName: String
        let nip: String
        let createdAt: Date
        let currentStep: WorkflowStep?
        let stepStartedAt: Date?
    }

    struct TimelineItem: Content {
        let event: String
        let fromStatus: RegistrationStatus?
        let toStatus: RegistrationStatus
        let level: String
        /// The picked reason's code (``AMSCore/ReasonCatalogue``) and the operator's explanation.
        let reasonCode: String?
        let reason: String?
        let occurredAt: Date
    }

    struct RequestDetail: Content {
        let request: RequestSummary
        let lastReasonCode: String?
        let lastReason: String?
        let timeline: [TimelineItem]
        let allowedEvents: [String]
    }

    struct Page: Content {
        let items: [RequestSummary]
        let page: Int
        let pageCount: Int
        let total: Int
    }

    struct ActionBody: Content {
        let event: String
        let version: Int
        /// For events that need a reason: a code of ``AMSCore/ReasonCatalogue`` for the event, and/or an explanation
        /// (required with `other` or without a code).
        let reasonCode: String?
        let reason: String?
        let note: String?
        /// SOP step 2's checklist items the agency confirms (`forward_to_ca` needs all of them).
        let checklist: [String]?
    }
}
