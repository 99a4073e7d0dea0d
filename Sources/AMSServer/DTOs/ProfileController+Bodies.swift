import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``ProfileController``.
extension ProfileController {
    struct ProfileForm: Content {
        var fullName: String?
        var position: String?
        var email: String?
        /// Needed when the e-mail address changes.
        var currentPassword: String?
    }
}
