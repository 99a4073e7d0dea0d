import AMSCore
import Vapor

/// The request and response bodies of ``AuthController``.
extension AuthController {
    struct SignInForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }
}
