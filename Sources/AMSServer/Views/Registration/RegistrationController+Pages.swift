import AMSCore
import Fluent
import Vapor

/// The page contexts ``RegistrationController`` renders.
extension RegistrationController {
    struct FormPage: Encodable {
        let action: String
        let intro: String
        let form: [String: String]
        let agencies: [SelectOption]
        let errors: FormErrors
        /// The public form's proof-of-work challenge (``FormChallenge``); nil on an operator's form.
        let challenge: String?
    }

    struct SubmittedPage: Encodable {
        let message: String
    }

    struct TimelineEntry: Encodable {
        let time: String
        let label: String
        let level: String
        let reason: String?
    }

    struct StatusPage: Encodable {
        let token: String
        let canResubmit: Bool
        let canWithdraw: Bool
        let form: [String: String]
        let errors: FormErrors
        let trackingNumber: String
        let statusLabel: String
        let status: String
        let reason: String?
        let agency: String
        let timeline: [TimelineEntry]
    }
}
