import Foundation

/// The verified identity a signing certificate is issued to. Comes from the account (verified at SOP step 4),
/// never from a CSR's subject.
public struct HolderIdentity: Sendable, Equatable {
    public var fullName: String
    public var email: String
    public var agencyName: String
    public var unit: String?
    /// The NIK; put into the subject's serialNumber only when ``CertificateProfile/includeNIK`` says so.
    public var nik: String?

    public init(fullName: String, email: String, agencyName: String, unit: String?, nik: String?) {
        self.fullName = fullName
        self.email = email
        self.agencyName = agencyName
        self.unit = unit
        self.nik = nik
    }
}
