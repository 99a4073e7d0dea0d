import AMSCore
import Vapor

/// The page contexts ``AuthController`` renders.
extension AuthController {
    struct SignInPage: Encodable {
        var username: String
        var next: String
        var errors: FormErrors
    }
}
