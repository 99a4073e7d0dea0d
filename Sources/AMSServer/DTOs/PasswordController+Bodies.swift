import AMSCore
import Vapor

/// The request and response bodies of ``PasswordController``.
extension PasswordController {
    struct ChangeForm: Content {
        var currentPassword: String?
        var newPassword: String?
        var confirmPassword: String?
    }

    struct ForgotForm: Content {
        var identifier: String?
    }

    struct ResetForm: Content {
        var newPassword: String?
        var confirmPassword: String?
    }
}
