import Vapor

/// The context of the signing page.
extension SigningController {
    struct SignPage: Encodable {
        /// Whether the holder can sign now; else `state` says why (a localised sentence).
        let ready: Bool
        let state: String?
        let counts: [SelectOption]
        let form: [String: String]
        let errors: FormErrors
        let maxMB: Int
    }
}
