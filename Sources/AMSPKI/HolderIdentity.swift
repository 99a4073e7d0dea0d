import Foundation

/// The verified identity a certificate is issued to. Comes from the account (verified at SOP step 4), never from a
/// CSR's subject.
public struct HolderIdentity: Sendable, Equatable {
    public var fullName: String
    /// Given name and surname as the holder stated them at activation; used by profiles whose subject rule names
    /// them (ETSI natural person). One of them may be absent (a single name).
    public var givenName: String?
    public var surname: String?
    public var email: String
    public var agencyName: String
    public var unit: String?
    /// The NIK; put into the subject's serialNumber only when ``CertificateProfile/includeNIK`` says so.
    public var nik: String?

    public init(fullName: String, givenName: String? = nil, surname: String? = nil, email: String, agencyName: String,
                unit: String?, nik: String?) {
        self.fullName = fullName
        self.givenName = givenName
        self.surname = surname
        self.email = email
        self.agencyName = agencyName
        self.unit = unit
        self.nik = nik
    }
}
