import AMSCore
import AMSPKI
import Foundation
import Vapor

/// What the certificate pages show, computed for the viewer (which actions their role and ownership allow).
struct CertificatePage: Encodable {
    struct Row: Encodable {
        let id: String
        let subject: String
        let holder: String
        let serial: String
        let status: String
        let statusLabel: String
        let notAfter: String
        let requestedAt: String
        /// `<id>:<version>` when the viewer may approve this pending request from the list; nil otherwise.
        let selection: String?
    }

    struct Fact: Encodable {
        let label: String
        let value: String
    }

    struct Download: Encodable {
        let href: String
        let label: String
    }

    let id: String
    let version: Int
    let status: String
    let statusLabel: String
    let subject: String
    let facts: [Fact]
    let downloads: [Download]
    let canDecide: Bool
    /// The holder sees "confirm" and "decline" on a request an agency application started for them.
    let canConfirm: Bool
    let canRevoke: Bool
    let revokeNeedsPassword: Bool
    let canRenew: Bool
    let canReplacePassphrase: Bool
    let reasons: [SelectOption]
    let errors: FormErrors
    let problem: String?

    static func row(_ record: CertificateModel, _ req: Request, selectable: Bool = false) -> Row {
        Row(id: record.id!.uuidString, subject: record.subject, holder: record.$holder.value?.username ?? "",
            serial: record.serialHex ?? "—", status: record.status.rawValue,
            statusLabel: req.localized("certificate_status_\(record.status.rawValue)"),
            notAfter: record.notAfter.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) } ?? "—",
            requestedAt: DisplayFormat.timestamp(record.requestedAt, in: req.readerTimeZone),
            selection: selectable ? "\(record.id!.uuidString):\(record.version)" : nil)
    }

    /// Reasons offered when revoking: a holder picks among the ones that concern them; operators see all.
    static func reasons(for role: Role, _ req: Request) -> [SelectOption] {
        let offered: [RevocationReason] = role == .applicant
            ? [.keyCompromise, .affiliationChanged, .cessationOfOperation, .unspecified]
            : [.keyCompromise, .affiliationChanged, .superseded, .cessationOfOperation, .privilegeWithdrawn, .unspecified]
        return offered.map { SelectOption(value: $0.name, label: req.localized("revocation_reason_\($0.name)")) }
    }

    /// Who started the request and how: the holder on the web, or an agency application (and whether the holder
    /// confirmed it), so approvers see it.
    static func origin(_ record: CertificateModel, _ req: Request) -> String {
        guard record.requestedVia == "api" else { return req.localized("certificate_via_web") }
        let started = req.localized("certificate_via_api", ["name": record.requestedBy])
        guard let confirmed = record.holderConfirmedAt else { return started }
        return started + " · " + req.localized("certificate_confirmed_by_holder_at", ["time": DisplayFormat.timestamp(confirmed, in: req.readerTimeZone)])
    }

    static func make(_ record: CertificateModel, for user: UserModel, _ req: Request, errors: FormErrors = FormErrors(),
                     problem: String? = nil) -> CertificatePage {
        let actor = user.actor
        let holderID = record.$holder.id
        let now = req.ams.clock.now
        var facts: [Fact] = [
            Fact(label: req.localized("certificate_holder"), value: record.$holder.value.map { "\($0.fullName) (\($0.username))" } ?? ""),
            Fact(label: req.localized("certificate_email"), value: record.email),
            Fact(label: req.localized("certificate_serial"), value: record.serialHex ?? "—"),
            Fact(label: req.localized("certificate_algorithm"), value: KeyAlgorithm(rawValue: record.keyAlgorithm)?.displayName ?? record.keyAlgorithm),
            Fact(label: req.localized("certificate_method"), value: req.localized("certificate_method_\(record.method.rawValue)")),
            Fact(label: req.localized("certificate_requested_at"), value: DisplayFormat.timestamp(record.requestedAt, in: req.readerTimeZone)),
            Fact(label: req.localized("certificate_requested_via"), value: origin(record, req)),
        ]
        if let notBefore = record.notBefore, let notAfter = record.notAfter {
            facts.append(Fact(label: req.localized("certificate_validity"),
                              value: "\(DisplayFormat.timestamp(notBefore, in: req.readerTimeZone)) – \(DisplayFormat.timestamp(notAfter, in: req.readerTimeZone))"))
        }
        if let note = record.decisionNote { facts.append(Fact(label: req.localized("certificate_decision_note"), value: note)) }
        if let revokedAt = record.revokedAt, record.status == .revoked {
            let reason = record.revocationReason.flatMap(RevocationReason.init(rawValue:)) ?? .unspecified
            facts.append(Fact(label: req.localized("certificate_revoked_at"),
                              value: "\(DisplayFormat.timestamp(revokedAt, in: req.readerTimeZone)) · \(req.localized("revocation_reason_\(reason.name)"))"))
        }
        if let invalidity = record.invalidityDate {
            facts.append(Fact(label: req.localized("certificate_invalidity_date"), value: DisplayFormat.timestamp(invalidity, in: req.readerTimeZone)))
        }
        if let replaces = record.replacesID {
            facts.append(Fact(label: req.localized("certificate_replaces"), value: replaces.uuidString))
        }
        let hasCertificate = record.certificateDER != nil
        let base = "/certificates/\(record.id!.uuidString)/download/"
        let downloads = hasCertificate ? [
            Download(href: base + "certificate.pem", label: req.localized("certificate_download_pem")),
            Download(href: base + "certificate.der", label: req.localized("certificate_download_der")),
            Download(href: base + "chain.pem", label: req.localized("certificate_download_chain")),
            Download(href: base + "chain.p7b", label: req.localized("certificate_download_p7b")),
        ] : []
        let mayRenew = record.notAfter.map { req.ams.lifecycle.mayRenew(status: record.status, notAfter: $0, now: now) } ?? false
        return CertificatePage(
            id: record.id!.uuidString, version: record.version, status: record.status.rawValue,
            statusLabel: req.localized("certificate_status_\(record.status.rawValue)"), subject: record.subject, facts: facts,
            downloads: downloads,
            canDecide: record.status == .pending && Permissions.canDecideCertificate(actor: actor, holderID: holderID),
            canConfirm: record.status == .awaitingHolder && Permissions.canConfirmCertificateRequest(actor: actor, holderID: holderID),
            canRevoke: record.status == .issued
                && Permissions.canRevokeCertificate(actor: actor, holderID: holderID, holderAgencyID: record.$agency.id),
            revokeNeedsPassword: actor.userID == holderID,
            canRenew: mayRenew && Permissions.canRenewCertificate(actor: actor, holderID: holderID),
            canReplacePassphrase: record.status == .issued && record.method == .generated
                && Permissions.canRenewCertificate(actor: actor, holderID: holderID),
            reasons: reasons(for: user.role, req), errors: errors, problem: problem)
    }
}
