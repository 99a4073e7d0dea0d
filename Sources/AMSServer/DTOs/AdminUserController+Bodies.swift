import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``AdminUserController``.
extension AdminUserController {
    struct UserForm: Content {
        var username: String?
        var email: String?
        var fullName: String?
        var nik: String?
        var role: String?
        var agencyID: String?
        var locale: String?
    }

    struct RoleForm: Content {
        var role: String?
        var agencyID: String?
    }
}
