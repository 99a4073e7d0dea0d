import AMSCore
import Fluent
import Vapor

/// The page contexts ``ApplicantController`` renders.
extension ApplicantController {
    /// The confirmation page of a withdrawal.
    struct WithdrawPage: Encodable {
        let token: String
        let version: Int
        let body: String
    }

    struct ActivationPage: Encodable {
        let valid: Bool
        let intro: String
        let action: String
        let form: [String: String]
        let errors: FormErrors
        let done: Bool
        /// Whether the certificate profile names given name and surname, so the applicant states them here.
        var asksNameParts = false
    }
}
