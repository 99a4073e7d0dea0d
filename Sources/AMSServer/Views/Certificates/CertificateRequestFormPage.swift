/// The page context of the certificate request and renewal form.
struct CertificateRequestFormPage: Encodable {
    let action: String
    let renewal: Bool
    let approvalRequired: Bool
    let method: String
    let csrText: String
    let errors: FormErrors
}
