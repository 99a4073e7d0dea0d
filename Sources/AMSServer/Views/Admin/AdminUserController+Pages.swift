import AMSCore
import Fluent
import Vapor

/// The page contexts ``AdminUserController`` renders.
extension AdminUserController {
    struct UserRow: Encodable {
        let id: String
        let username: String
        let fullName: String
        let email: String
        let roleLabel: String
        let agency: String
        let isActive: Bool
        let initialPending: Bool
    }

    struct ListPage: Encodable {
        let users: [UserRow]
        let query: String
        let roles: [SelectOption]
        let pagination: Pagination
    }

    struct NewPage: Encodable {
        let form: [String: String]
        let roles: [SelectOption]
        let agencies: [SelectOption]
        let locales: [SelectOption]
        let errors: FormErrors
    }

    struct DetailPage: Encodable {
        let user: UserRow
        let roles: [SelectOption]
        let agencies: [SelectOption]
        let isSelf: Bool
        let errors: FormErrors
    }
}
