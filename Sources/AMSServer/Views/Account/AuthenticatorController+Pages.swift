import Vapor

/// The context and forms of the authenticator page.
extension AuthenticatorController {
    struct AuthenticatorPage: Encodable {
        struct Pending: Encodable {
            /// The secret in groups of four, for typing into an app that cannot scan.
            let secret: String
            let qrImage: String
        }

        let enrolled: Bool
        let recoveryCodesLeft: String
        let pending: Pending?
        /// Shown once, right after enrolment.
        let recoveryCodes: [String]
        let errors: FormErrors
    }

    struct ConfirmForm: Content {
        var code: String?
    }

    struct RemoveForm: Content {
        var password: String?
    }
}
