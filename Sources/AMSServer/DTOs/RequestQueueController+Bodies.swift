import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``RequestQueueController``.
extension RequestQueueController {
    struct ActionForm: Content {
        var event: String?
        var version: Int?
        var reasonCode: String?
        var reason: String?
        var note: String?
        var checkLetterSigned: String?
        var checkDecreeMatches: String?
        var checkEmailOfficial: String?
    }
}
