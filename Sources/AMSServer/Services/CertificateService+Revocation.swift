import AMSCore
import AMSPKI
import Fluent
import Foundation

extension CertificateService {
    /// Revokes an issued certificate with an RFC 5280 reason and optional invalidity date. The CRL is published
    /// again straight after the commit, and the OCSP responder forgets the statuses it kept, so both show it at once.
    /// `actor` is a signed-in user or an agency's API key (then `revokerUserID` is nil; the audit entry names the key).
    func revoke(_ record: CertificateModel, reason: RevocationReason, invalidityDate: Date?, actor: Actor, revokerUserID: UUID?,
                context: AuditContext) async throws {
        guard Permissions.canRevokeCertificate(actor: actor, holderID: record.$holder.id, holderAgencyID: record.$agency.id) else {
            throw DomainError.forbidden
        }
        guard record.status == .issued else { throw DomainError(.certificateNotActive, "only an issued certificate can be revoked") }
        let now = services.clock.now
        if let invalidityDate, invalidityDate > now {
            throw ValidationError(["invalidityDate": "error_invalidity_date"])
        }
        let holder = try await record.$holder.get(on: database)
        let locale = AppLocale(rawValue: holder.locale) ?? .default
        let mail = services.mail.compose(to: holder, template: "certificate_revoked", arguments: [
            "serial": record.serialHex ?? "", "reason": Localizer.text("revocation_reason_\(reason.name)", locale), "url": detailURL(record),
        ])
        let version = record.version
        let serial = record.serialHex ?? ""
        // OCSP's kept statuses are forgotten as soon as the transaction ends, committed or not (before the CRL).
        var failure: (any Error)?
        do {
            try await WriteTransaction.run(on: database) { [services] db in
                try await Self.claim(record, from: .issued, expectedVersion: version, now: now, on: db) { update in
                    update.set("status", to: CertificateStatus.revoked.rawValue).set("revoked_at", to: now)
                        .set("revocation_reason", to: reason.rawValue).set("invalidity_date", to: invalidityDate)
                        .set("revoked_by_id", to: revokerUserID)
                }
                try await services.audit.append(.certificateRevoked, context: context, targetType: "certificate", targetID: record.id!.uuidString,
                                                details: ["serial": serial, "reason": reason.name,
                                                          "invalidity_date": invalidityDate.map { ISO8601DateFormatter().string(from: $0) } ?? ""], on: db)
                try await services.outbox.enqueue(mail, context: context, on: db)
                try await CertificateStatusFeed.announce(on: db)
            }
        } catch {
            failure = error
        }
        services.ocspStatuses.forgetAll()
        if let failure { throw failure }
        try await CRLPublisher(services: services).publish(on: database)
    }

    /// Renewal (from 30 days before expiry): a new key or CSR and a new certificate with the current verified data;
    /// changed data needs re-verification first (``request(holder:source:replaces:context:)`` checks).
    func renew(_ record: CertificateModel, holder: UserModel, source: KeySource, context: AuditContext) async throws -> CertificateModel {
        guard Permissions.canRenewCertificate(actor: holder.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        guard let notAfter = record.notAfter,
              services.lifecycle.mayRenew(status: record.status, notAfter: notAfter, now: services.clock.now) else {
            throw DomainError(.renewalNotOpen, "renewal opens 30 days before expiry")
        }
        return try await request(holder: holder, source: source, replaces: record.id, context: context)
    }

    /// Forgotten passphrase: the key cannot be opened any more, so the certificate is revoked (superseded) and a new
    /// key and certificate are requested under the new passphrase. The caller has re-authenticated the holder.
    func replaceForgottenPassphrase(_ record: CertificateModel, holder: UserModel, passphrase: String, confirmation: String,
                                    context: AuditContext) async throws -> CertificateModel {
        guard Permissions.canRenewCertificate(actor: holder.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        guard record.method == .generated, record.status == .issued else {
            throw DomainError(.certificateNotActive, "only an issued certificate with a key kept by AMS can be replaced")
        }
        try Self.checkPassphrase(passphrase, confirmation: confirmation)
        guard holder.mayBeIssuedCertificate else { throw DomainError(.reverificationRequired, "certificate data changed since verification") }
        try await revoke(record, reason: .superseded, invalidityDate: nil, actor: holder.actor, revokerUserID: holder.id, context: context)
        return try await request(holder: holder, source: .passphrase(passphrase, confirmation: confirmation), replaces: record.id,
                                 context: context)
    }

    /// Checks a new passphrase against the rules (length, variety, confirmation).
    static func checkPassphrase(_ passphrase: String, confirmation: String) throws {
        var fields: [String: String] = [:]
        if !passphraseLength.contains(passphrase.count) {
            fields["passphrase"] = "error_passphrase_length"
        } else if Set(passphrase).count < 4 {
            fields["passphrase"] = "error_passphrase_weak"
        }
        if passphrase != confirmation { fields["passphraseConfirmation"] = "error_passphrase_mismatch" }
        guard fields.isEmpty else { throw ValidationError(fields) }
    }
}
