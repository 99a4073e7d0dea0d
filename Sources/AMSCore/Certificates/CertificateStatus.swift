import Foundation

/// Where a certificate record stands. A record exists from the request on; the serial and the signed certificate
/// come later.
public enum CertificateStatus: String, Codable, CaseIterable, Sendable {
    /// Started by an agency application through the API: waits for the holder to confirm it, signed in and
    /// re-entering their password, before anyone may approve it (only the holder asks for their own certificate).
    case awaitingHolder = "awaiting_holder"
    /// Requested; waiting for a CA operator's approval.
    case pending
    /// A CA operator declined the request.
    case rejected
    /// The intent to sign is recorded (serial, subject, holder); the signed certificate is not stored yet.
    case issuing
    /// Signed and stored; valid between its notBefore and notAfter unless revoked.
    case issued
    /// Revoked: listed in the CRL and answered `revoked` by OCSP.
    case revoked
    /// An intent whose signing never completed (e.g. a crash): it may have been signed, so its serial is listed as
    /// revoked in the CRL and OCSP, but no certificate is on record.
    case void

    /// Whether the serial appears in the CRL.
    public var isListedAsRevoked: Bool { self == .revoked || self == .void }
    /// Whether the request is still open (counts against the one-open-request-per-holder rule).
    public var isOpen: Bool { self == .awaitingHolder || self == .pending || self == .issuing }
}
