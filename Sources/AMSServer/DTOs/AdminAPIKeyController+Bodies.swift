import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``AdminAPIKeyController``.
extension AdminAPIKeyController {
    struct CreateForm: Content {
        var agencyID: String?
        var name: String?
        /// Client addresses and networks for the e-signature API (empty: any).
        var allowedAddresses: String?
        var requestsPerMinute: String?
    }
}
