import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``AdminAgencyController``.
extension AdminAgencyController {
    struct AgencyForm: Content {
        var code: String?
        var name: String?
        var domains: String?
        var certificateName: String?
        var timeZone: String?
    }
}
