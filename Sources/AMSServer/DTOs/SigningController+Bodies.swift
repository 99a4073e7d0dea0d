import Vapor

/// The forms of ``SigningController``.
extension SigningController {
    struct CodeForm: Content {
        var documentCount: Int?
    }

    struct SignForm: Content {
        var documents: [File]?
        var passphrase: String?
        var code: String?
        var reason: String?
        var location: String?
    }
}
