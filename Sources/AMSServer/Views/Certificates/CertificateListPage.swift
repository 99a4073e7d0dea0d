/// The page context of the certificate list.
struct CertificateListPage: Encodable {
    let rows: [CertificatePage.Row]
    let query: String
    let statuses: [SelectOption]
    let canRequest: Bool
    /// A CA operator sees a check box on each pending request and "approve selected".
    let canApprove: Bool
    let problem: String?
    let keyset: KeysetPage
}
