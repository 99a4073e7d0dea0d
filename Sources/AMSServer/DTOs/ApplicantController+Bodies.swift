import AMSCore
import Fluent
import Vapor

/// The request and response bodies of ``ApplicantController``.
extension ApplicantController {
    struct ActivationForm: Content {
        var birthPlace: String?
        var birthDate: String?
        var address: String?
        var givenName: String?
        var surname: String?
        var acceptTerms: String?
    }
}
