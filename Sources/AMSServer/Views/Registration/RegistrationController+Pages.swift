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
        /// The stepper: the SOP's stages with their state and time standard, the next step in words, and whether the
        /// account exists (then a sign-in button).
        let stages: [Stage]
        let nextStep: String?
        let canSignIn: Bool
    }

    struct Stage: Encodable {
        let label: String
        /// `done`, `current` or `todo`.
        let state: String
        let standard: String?
    }
}
