import AMSCore
import AMSPKI
import Fluent
import Foundation

extension CertificateService {
    /// What one maintenance pass did.
    struct MaintenanceReport: Sendable, Equatable {
        var voided = 0
        var reminders = 0
        var crlPublished = false
        var responderRenewed = false
        var timeStampingRenewed = false
    }

    /// One pass: void stale intents, send due expiry reminders, renew the OCSP responder certificate and publish a
    /// fresh CRL when due.
    func maintain() async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        report.voided = try await voidStaleIntents()
        report.reminders = try await sendExpiryReminders()
        report.responderRenewed = try await CertificateAuthoritySetup(services: services).renewResponderIfDue(on: database)
        report.timeStampingRenewed = try await CertificateAuthoritySetup(services: services).renewTimeStampingIfDue(on: database)
        if report.voided > 0 {
            try await CRLPublisher(services: services).publish(on: database)
            report.crlPublished = true
        } else {
            report.crlPublished = try await CRLPublisher(services: services).refreshIfDue(on: database)
        }
        return report
    }

    /// Intents whose certificate never got stored (the process died between signing and storing): the serial may
    /// have been signed, so the record becomes `void` and its serial is listed as revoked from now on.
    func voidStaleIntents() async throws -> Int {
        let cutoff = services.clock.now.addingTimeInterval(-services.configuration.certificates.staleIssuingAfter)
        let stale = try await CertificateModel.query(on: database).filter(\.$status == .issuing)
            .filter(\.$issuingStartedAt < cutoff).all()
        let now = services.clock.now
        var count = 0
        for record in stale {
            let version = record.version
            do {
                try await WriteTransaction.run(on: database) { [services] db in
                    try await Self.claim(record, from: .issuing, expectedVersion: version, now: now, on: db) { update in
                        update.set("status", to: CertificateStatus.void.rawValue).set("revoked_at", to: now)
                    }
                    try await services.audit.append(.certificateVoided, context: .system("certificates"), targetType: "certificate",
                                                    targetID: record.id!.uuidString, details: ["serial": record.serialHex ?? ""], on: db)
                }
                count += 1
            } catch let error as DomainError where error == .staleVersion {
                continue
            }
        }
        return count
    }

    /// Expiry reminders at 30, 7 and 1 days before notAfter, each once, unless a renewal is already under way.
    ///
    /// Incremental: a pass reads only the certificates whose next reminder is due now — those at stage j (reminders
    /// sent so far) whose notAfter came within the next threshold — each an index range of
    /// `status, reminder_stage, not_after`; not every certificate of the widest window again each pass. A backlog
    /// goes out `reminderBatch` at a time.
    func sendExpiryReminders() async throws -> Int {
        let now = services.clock.now
        let policy = services.lifecycle
        guard !policy.reminderThresholds.isEmpty else { return 0 }
        let candidates = try await CertificateModel.query(on: database).filter(\.$status == .issued)
            .group(.or) { due in
                // thresholds widest first: after j reminders the next is due within the (j+1)-th
                for (sent, threshold) in policy.reminderThresholds.enumerated() {
                    due.group(.and) {
                        $0.filter(\.$reminderStage == sent).filter(\.$notAfter > now).filter(\.$notAfter <= now.addingTimeInterval(threshold))
                    }
                }
            }
            .limit(Self.reminderBatch).with(\.$holder).all()
        var sent = 0
        for record in candidates {
            guard let notAfter = record.notAfter else { continue }
            let stage = policy.reminderStage(notAfter: notAfter, now: now)
            guard stage > record.reminderStage else { continue }
            let renewing = try await CertificateModel.query(on: database).filter(\.$replacesID == record.id)
                .filter(\.$status ~~ [.pending, .issuing, .issued]).count()
            let holder = record.holder
            let mail = services.mail.compose(to: holder, template: "certificate_expiry_reminder", text: "certificate_expiry", arguments: [
                "serial": record.serialHex ?? "", "days": String(policy.daysLeft(notAfter: notAfter, now: now)),
                "not_after": DisplayFormat.timestamp(notAfter, in: try await AgencyModel.timeZone(of: holder.$agency.id, on: database)),
                "url": detailURL(record),
            ])
            let version = record.version
            do {
                try await WriteTransaction.run(on: database) { [services] db in
                    try await Self.claim(record, from: .issued, expectedVersion: version, now: now, on: db) { update in
                        update.set("reminder_stage", to: stage)
                    }
                    if renewing == 0 {
                        try await services.outbox.enqueue(mail, context: .system("certificates"), on: db)
                        try await services.audit.append(.certificateReminderSent, context: .system("certificates"), targetType: "certificate",
                                                        targetID: record.id!.uuidString,
                                                        details: ["serial": record.serialHex ?? "", "stage": String(stage)], on: db)
                    }
                }
                if renewing == 0 { sent += 1 }
            } catch let error as DomainError where error == .staleVersion {
                continue
            }
        }
        return sent
    }
}
