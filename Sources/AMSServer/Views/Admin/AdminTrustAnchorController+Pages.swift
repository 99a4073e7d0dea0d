import Vapor

/// The page context of ``AdminTrustAnchorController``.
extension AdminTrustAnchorController {
    struct AnchorsPage: Encodable {
        struct Row: Encodable {
            let id: String
            let subject: String
            let sha256: String
            let createdAt: String
        }

        let anchors: [Row]
        let errors: FormErrors
    }
}
