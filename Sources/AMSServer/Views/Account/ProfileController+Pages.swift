import AMSCore
import Fluent
import Vapor

/// The page contexts ``ProfileController`` renders.
extension ProfileController {
    struct ProfilePage: Encodable {
        let form: [String: String]
        let pending: Bool
        let errors: FormErrors
    }

    struct HolderRow: Encodable {
        let id: String
        let username: String
        let fullName: String
        let position: String
        let email: String
        let agency: String
    }

    struct EmailConfirmPage: Encodable {
        let valid: Bool
        let newEmail: String
        let action: String
        let done: Bool
    }

    struct ReverifyPage: Encodable {
        let holders: [HolderRow]
    }
}
