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
        let documentsHelp: String
        let positions: [SelectOption]
        let visible: Bool
        /// Where pdf.js is served from for the page preview; empty without it.
        let previewScript: String
        let qr: Bool
        /// Whether the holder has an authenticator app (then its code works as well as a mailed one).
        let authenticator: Bool
    }
}
