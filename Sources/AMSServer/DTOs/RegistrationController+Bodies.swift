import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``RegistrationController``.
extension RegistrationController {
    struct CorrectionForm: Content {
        var phone: String?
        var unit: String?
        var position: String?
        var recommendationLetter: File?
        var jobDecree: File?
    }
}
