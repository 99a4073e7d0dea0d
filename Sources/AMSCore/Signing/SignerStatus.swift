import Foundation

/// Where a signer stands, in the nine words of the national e-signature API (`/api/v2/user/check/status`), derived
/// from AMS's own account, request and certificate states. Only ``issue`` may sign.
public enum SignerStatus: String, Sendable, CaseIterable, Codable {
    /// A valid certificate whose key AMS keeps: may sign.
    case issue = "ISSUE"
    /// The newest certificate has expired and no new one is on its way.
    case expired = "EXPIRED"
    /// A certificate expired or about to, and its successor is requested and waiting.
    case renew = "RENEW"
    /// A registration request is in progress, or changed identity data await an operator's re-verification.
    case waitingForVerification = "WAITING_FOR_VERIFICATION"
    /// A verified account whose first certificate is requested and waiting.
    case new = "NEW"
    /// A verified account without a certificate AMS can sign with (none, rejected, or a key the holder keeps).
    case noCertificate = "NO_CERTIFICATE"
    /// Neither an account nor a registration request for this person in the caller's agency.
    case notRegistered = "NOT_REGISTERED"
    /// The account is disabled, or signing is locked for a while after wrong passphrases or codes.
    case suspend = "SUSPEND"
    /// The newest certificate was revoked and no new one is on its way.
    case revoke = "REVOKE"

    /// What AMS knows about a person, as far as the status needs it.
    public struct Facts: Sendable {
        /// One of the person's certificates: its status, whether AMS keeps its key, and when it ends.
        public struct Certificate: Sendable {
            public var status: CertificateStatus
            public var keyKeptByAMS: Bool
            public var notAfter: Date?

            public init(status: CertificateStatus, keyKeptByAMS: Bool, notAfter: Date?) {
                self.status = status
                self.keyKeptByAMS = keyKeptByAMS
                self.notAfter = notAfter
            }
        }

        public var hasAccount: Bool
        public var registrationInProgress: Bool
        public var accountActive: Bool
        public var identityVerified: Bool
        public var reverificationPending: Bool
        public var signingLocked: Bool
        /// Newest first.
        public var certificates: [Certificate]

        public init(hasAccount: Bool, registrationInProgress: Bool = false, accountActive: Bool = true, identityVerified: Bool = true,
                    reverificationPending: Bool = false, signingLocked: Bool = false, certificates: [Certificate] = []) {
            self.hasAccount = hasAccount
            self.registrationInProgress = registrationInProgress
            self.accountActive = accountActive
            self.identityVerified = identityVerified
            self.reverificationPending = reverificationPending
            self.signingLocked = signingLocked
            self.certificates = certificates
        }
    }

    /// The status of a person with these facts at `now`.
    public static func of(_ facts: Facts, at now: Date) -> SignerStatus {
        guard facts.hasAccount else { return facts.registrationInProgress ? .waitingForVerification : .notRegistered }
        if !facts.accountActive || facts.signingLocked { return .suspend }
        if !facts.identityVerified || facts.reverificationPending { return .waitingForVerification }
        let live = { (certificate: Facts.Certificate) in certificate.status == .issued && (certificate.notAfter ?? .distantPast) > now }
        if facts.certificates.contains(where: { live($0) && $0.keyKeptByAMS }) { return .issue }
        let waiting = facts.certificates.contains { [.awaitingHolder, .pending, .issuing].contains($0.status) }
        let hadOne = facts.certificates.contains { $0.status == .issued || $0.status == .revoked }
        if waiting { return hadOne ? .renew : .new }
        guard let newest = facts.certificates.first(where: { $0.status == .issued || $0.status == .revoked }) else { return .noCertificate }
        if newest.status == .revoked { return .revoke }
        if !live(newest) { return .expired }
        // a live certificate whose key the holder keeps (a CSR): AMS cannot sign with it
        return .noCertificate
    }
}
