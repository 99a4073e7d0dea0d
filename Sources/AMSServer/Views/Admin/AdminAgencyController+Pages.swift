import AMSCore
import Fluent
import Vapor

/// The page contexts ``AdminAgencyController`` renders.
extension AdminAgencyController {
    struct AgencyRow: Encodable {
        let code: String
        let name: String
        let domains: String
        let userCount: Int
    }

    struct ListPage: Encodable {
        let agencies: [AgencyRow]
    }

    struct NewPage: Encodable {
        let code: String
        let name: String
        let domains: String
        let errors: FormErrors
    }
}
