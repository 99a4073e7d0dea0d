import Vapor

/// The form of ``AdminTrustAnchorController``: a PEM pasted, or a PEM or DER file.
extension AdminTrustAnchorController {
    struct AddForm: Content {
        var pem: String?
        var file: File?
    }
}
