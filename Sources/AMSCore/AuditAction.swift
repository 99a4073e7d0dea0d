import Foundation

/// What an audit entry records. The raw value is the stable action code stored in the log.
public enum AuditAction: String, Codable, CaseIterable, Sendable {
    case signInSucceeded = "auth.sign_in.succeeded"
    case signInFailed = "auth.sign_in.failed"
    case signInThrottled = "auth.sign_in.throttled"
    case signInLocked = "auth.sign_in.locked"
    case signedOut = "auth.signed_out"
    case sessionExpired = "auth.session_expired"
    case passwordChanged = "account.password_changed"
    case passwordChangeFailed = "account.password_change_failed"
    case passwordResetRequested = "account.password_reset_requested"
    case passwordResetCompleted = "account.password_reset_completed"
    case accountCreated = "account.created"
    case initialPasswordReissued = "account.initial_password_reissued"
    case roleChanged = "account.role_changed"
    case accountDisabled = "account.disabled"
    case accountEnabled = "account.enabled"
    case firstAdministratorCreated = "system.first_administrator_created"
    case agencyCreated = "agency.created"
    case agencyUpdated = "agency.updated"
    case mailQueued = "mail.queued"
    case mailSent = "mail.sent"
    case mailFailed = "mail.failed"
    case auditExported = "audit.exported"
    case registrationSubmitted = "registration.submitted"
    case registrationTransition = "registration.transition"
    case registrationRefused = "registration.refused"
    case attachmentDownloaded = "registration.attachment_downloaded"
    case identityChanged = "account.identity_changed"
    case emailChangeRequested = "account.email_change_requested"
    case identityReverified = "account.identity_reverified"
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case certificateRequested = "certificate.requested"
    case certificateConfirmedByHolder = "certificate.confirmed_by_holder"
    case certificateDeclinedByHolder = "certificate.declined_by_holder"
    case certificateApproved = "certificate.approved"
    case certificateRejected = "certificate.rejected"
    case certificateIssuing = "certificate.issuing"
    case certificateIssued = "certificate.issued"
    case certificateIssueFailed = "certificate.issue_failed"
    case certificateVoided = "certificate.voided"
    case certificateRevoked = "certificate.revoked"
    case certificateReminderSent = "certificate.reminder_sent"
    case reauthenticationFailed = "account.reauthentication_failed"
    case crlGenerated = "crl.generated"
    case caInitialized = "ca.initialized"
    case ocspResponderCertified = "ca.ocsp_responder_certified"
    case timeStampingUnitCertified = "ca.tsa_certified"
    case accessDenied = "security.access_denied"
    case csrfRejected = "security.csrf_rejected"
}

/// How an audited action ended.
public enum AuditOutcome: String, Codable, CaseIterable, Sendable {
    case success
    case failure
    case denied
}
