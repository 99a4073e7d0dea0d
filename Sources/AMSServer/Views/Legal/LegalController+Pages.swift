import Vapor

/// The page contexts ``LegalController`` renders.
extension LegalController {
    struct LegalPage: Encodable {
        let heading: String
        let paragraphs: [String]
    }
}
