import AMSCore
import Fluent
import Vapor

/// The page contexts ``AdminAgencyController`` renders.
extension AdminAgencyController {
    struct AgencyRow: Encodable {
        let id: String
        let code: String
        let name: String
        let certificateName: String
        let domains: String
        let userCount: Int
    }

    struct ListPage: Encodable {
        let agencies: [AgencyRow]
    }

    /// The form for a new agency (`action` /admin/agencies) or for editing one (its own address; code and domains
    /// are then shown, not edited).
    struct NewPage: Encodable {
        let code: String
        let name: String
        let domains: String
        var certificateName = ""
        var action = "/admin/agencies"
        var editing = false
        let errors: FormErrors
    }
}
