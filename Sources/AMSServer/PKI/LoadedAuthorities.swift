import AMSPKI
import Foundation

/// The CA hierarchy in use, with its keys unsealed: the root, the issuing CA that signs holder certificates and
/// CRLs, and the delegated OCSP responder.
package struct LoadedAuthorities: Sendable {
    package let root: CertificateAuthority
    package let rootID: UUID
    package let issuing: CertificateAuthority
    package let issuingID: UUID
    package let responder: CertificateAuthority
    package let responderID: UUID
    /// Answers OCSP for the issuing CA, signed by the responder (hashes of the issuer computed once).
    let ocsp: OCSPResponseBuilder
    /// AMS's time-stamping authority; nil until its unit's certificate exists (an installation made before it had
    /// one gets it at the next start or maintenance pass).
    package let tsa: TimeStampAuthority?

    /// The issuing CA by its URL label (`/pki/crl/<label>.crl`, `/pki/ca/<label>.crt`).
    func authority(label: String) -> CertificateAuthority? {
        [root, issuing].first { $0.label == label }
    }

    /// The database id of a CA that publishes a CRL, by label.
    func crlIssuerID(label: String) -> UUID? {
        label == issuing.label ? issuingID : label == root.label ? rootID : nil
    }
}
