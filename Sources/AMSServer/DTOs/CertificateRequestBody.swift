import Vapor

/// A holder's certificate request as the form sends it: a passphrase for a key AMS makes, or a CSR (text or file).
struct CertificateRequestBody: Content {
    var method: String?
    var passphrase: String?
    var passphraseConfirmation: String?
    var csrText: String?
    var csrFile: File?
    /// The holder's account password, re-entered: only the holder asks for their own certificate.
    var password: String?
}
