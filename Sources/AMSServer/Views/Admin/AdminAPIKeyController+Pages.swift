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
    }

    struct ListPage: Encodable {
        let keys: [KeyRow]
        let agencies: [SelectOption]
        let newKey: String?
        let errors: FormErrors
    }
}
