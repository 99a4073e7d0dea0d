import AMSCore
import Fluent
import Vapor

/// The page contexts ``AdminAPIKeyController`` renders.
extension AdminAPIKeyController {
    struct KeyRow: Encodable {
        let id: String
        let name: String
        let agency: String
        let prefix: String
        let createdAt: String
        let lastUsedAt: String?
        let revoked: Bool
        let disabled: Bool
        let addresses: String
        let perMinute: Int
    }

    /// A key just made: shown once, with the HTTP Basic user name the e-signature API takes with it.
    struct NewKey: Encodable {
        let key: String
        let basicUser: String
    }

    struct ListPage: Encodable {
        let keys: [KeyRow]
        let agencies: [SelectOption]
        let newKey: NewKey?
        let errors: FormErrors
    }
}
