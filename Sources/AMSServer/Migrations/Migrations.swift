import Fluent

/// Every migration in order. Landed migrations are never edited; changes come as new ones in a new folder.
enum Migrations {
    static let all: [any Migration] = [
        CreateAgencies(),
        CreateUsers(),
        CreateSessionsAndTokens(),
        CreateOutbox(),
        CreateAuditLog(),
        // 002: the registration workflow
        CreateRegistrationRequests(),
        // 003: API keys for agency systems
        CreateAPIKeys(),
        // 004: identity verification of account holders
        UpdateUsersAddIdentityVerification(),
        // 005: the certificate authority, certificates, CRLs
        CreateCertificates(),
        // 006: the CRL's paged read
        AddCertificatesCRLIndex(),
        // 007: certificate profiles; given name and surname of holders
        UpdateCertificatesAddProfile(),
        // 008: who started a certificate request, and the holder's confirmation of one an application started
        UpdateCertificatesAddRequestOrigin(),
        // 009: e-mail changes confirmed at the new address; the identity last verified
        CreateEmailChanges(),
        // 010: the person (NIK) behind each operator's timeline entry
        UpdateRegistrationEventsAddActorNIK(),
        // 011: public-form submissions per address and hour
        CreateSubmissionLog(),
        // 012: the agency's name in certificates
        UpdateAgenciesAddCertificateName(),
        // 013: the proof-of-work challenge each public-form submission spent
        UpdateSubmissionLogAddChallenge(),
        // 014: password-reset requests queued for the reset worker
        CreatePasswordResetRequests(),
        // 015: reasons as codes beside the operator's explanation
        UpdateRegistrationAddReasonCodes(),
        // 016: each agency's time zone
        UpdateAgenciesAddTimeZone(),
        // 017: resubmission changes and checklist confirmations as data
        UpdateRegistrationEventsAddChangesAndChecklist(),
        // 018: the status link's token sealed, for progress mails
        UpdateRegistrationRequestsAddSealedStatusToken(),
        // 019: the operators' digest of waiting requests
        UpdateUsersAddDigestSentAt(),
        // 020: signatures made for holders, mailed signing codes, the signing lock
        CreateSignatures(),
        // 021: authenticator apps and recovery codes, the second factor for signing
        CreateAuthenticators(),
        // 022: agency applications on the national e-signature API (switch, addresses, rate, downloads)
        UpdateAPIKeysForSigning(),
        // 023: registrations started by agency applications (invitations to SOP step 1)
        CreateRegistrationInvitations(),
        // 024: the signed file's length on each signature record (the record page compares a reader's copy)
        UpdateSignaturesAddSignedLength(),
        // 025: roots an administrator trusts for verification besides AMS's own
        CreateTrustAnchors(),
        // 026: the PAdES level of each signature AMS made (B-T, B-LT, B-LTA)
        UpdateSignaturesAddLevel(),
        // 027: institutions' electronic seals, who may seal, and the seal API's codes
        CreateSeals(),
        // 028: the audit log by actor through an index (national size)
        AddAuditActorIndex(),
        // 029: the certificate list a page at a time through indexes (national size)
        AddCertificateListIndexes(),
        // 030: the expiry reminders find a certificate's renewal through an index
        AddCertificateReplacesIndex(),
        // 031: signed checkpoints of the audit chain (a nightly verify checks only what is new)
        CreateAuditCheckpoints(),
        // 032: the operators' queue by status and waiting time, and requests by exact NIP/NIK, through indexes
        AddRequestQueueIndexes(),
        // 033: the queue read per status along (status | agency, status) × (waiting | created, id); names by prefix
        AddRequestQueueKeysetIndexes(),
        // 034: the expiry reminders read only what became due
        AddCertificateReminderIndex(),
        // 035: the time-standard report's daily tallies, and which step timings they count
        CreateStepDurationDays(),
        // 036: names by prefix within a status (the queue searches one status at a time)
        AddRequestStatusNameIndex(),
        // 037: the time-standard report's month tallies, filled from the day tallies
        CreateStepDurationMonths(),
        // 038: sign-in attempts and sessions found by their time, so the housekeeping pass deletes those too old to matter
        AddPruningIndexes(),
    ]
}
