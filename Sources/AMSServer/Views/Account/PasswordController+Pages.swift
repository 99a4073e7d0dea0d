import AMSCore
import Vapor

/// The page contexts ``PasswordController`` renders.
extension PasswordController {
    struct ChangePage: Encodable {
        var isInitial: Bool
        var errors: FormErrors
    }

    struct ForgotPage: Encodable {
        var errors: FormErrors
    }

    struct ResetPage: Encodable {
        var valid: Bool
        var action: String
        var errors: FormErrors
    }
}
