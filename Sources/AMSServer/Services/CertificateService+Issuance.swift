import AMSCore
import AMSPKI
import Fluent
import Foundation
import X509

extension CertificateService {
    /// One certificate on its way through ``issueBatch(_:approvedBy:context:)``.
    private struct Job: Sendable {
        let record: CertificateModel
        let holder: UserModel
        let identity: HolderIdentity
        let subject: String
        var serial: [UInt8] = []
    }

    /// Issues pending certificates: (1) one transaction records every intent (status `issuing`, serial, subject,
    /// validity) with its audit entries; (2) the certificates are signed, off the event loop; (3) one transaction
    /// stores them with their audit entries and the holders' mails. A crash between (1) and (3) leaves `issuing`
    /// records that maintenance turns `void` and lists as revoked, so no signed certificate is ever unknown.
    func issueBatch(_ records: [CertificateModel], approvedBy: UserModel?, context: AuditContext) async throws -> [CertificateModel] {
        guard !records.isEmpty else { return [] }
        let profile = services.certificateProfile
        var jobs = try await prepareJobs(records, profile: profile)
        let loaded = try await services.caKeys.current(on: database)
        let now = services.clock.now
        let notBefore = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let notAfter = min(notBefore.addingTimeInterval(TimeInterval(profile.validityDays) * 86_400 - 1),
                           loaded.issuing.certificate.notValidAfter)
        var intent: [(column: String, value: any Encodable & Sendable)] = [
            ("status", CertificateStatus.issuing.rawValue), ("profile", profile.name), ("issuer_ca_id", loaded.issuingID),
            ("not_before", notBefore), ("not_after", notAfter), ("issuing_started_at", now),
        ]
        if let approvedBy { intent += [("decided_at", now), ("decided_by_id", approvedBy.id!)] }
        // 1. the intents, with unique serials (the unique index decides; a clash, never expected, draws again)
        for attempt in 1...3 {
            for index in jobs.indices { jobs[index].serial = services.serials.next() }
            do {
                try await recordIntents(jobs, fixed: intent, approvedBy: approvedBy, issuer: loaded.issuing.label, now: now,
                                        context: context)
                break
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                continue
            }
        }
        try services.faults.afterIssuingIntent?()
        // 2. the signatures, off the event loop
        let issuing = loaded.issuing
        let endpoints = services.pkiEndpoints
        let signing = jobs
        let certificates = try await threadPool.runIfActive {
            try signing.map { job in
                try issuing.issue(profile, serial: job.serial, publicKey: try Certificate.PublicKey(derEncoded: Array(job.record.publicKey)),
                                  identity: job.identity, notBefore: notBefore, endpoints: endpoints)
            }
        }
        // 3. the certificates, their audit entries and the holders' mails, together
        try await store(jobs, certificates, now: now, context: context)
        return try await CertificateModel.query(on: database).filter(\.$id ~~ records.map { $0.id! }).all()
    }

    /// Each record with its holder, checked as issuance requires (identity verified and current, account active)
    /// and with the subject the profile makes of the holder.
    private func prepareJobs(_ records: [CertificateModel], profile: CertificateProfile) async throws -> [Job] {
        let holders = try await UserModel.query(on: database).filter(\.$id ~~ Set(records.map { $0.$holder.id })).with(\.$agency).all()
        let byID = Dictionary(uniqueKeysWithValues: holders.map { ($0.id!, $0) })
        return try records.map { record in
            guard let holder = byID[record.$holder.id], holder.mayBeIssuedCertificate, holder.isActive else {
                throw DomainError(.reverificationRequired, "certificate data changed since verification")
            }
            let identity = holder.holderIdentity
            do {
                return Job(record: record, holder: holder, identity: identity, subject: try profile.subjectText(for: identity))
            } catch {
                throw DomainError(.certificateSubjectInvalid, "\(error)")
            }
        }
    }

    /// Step 1: every record moves from `pending` to `issuing` with its serial and subject, and the decision and
    /// intent are audited, in one transaction.
    private func recordIntents(_ jobs: [Job], fixed: [(column: String, value: any Encodable & Sendable)], approvedBy: UserModel?,
                               issuer: String, now: Date, context: AuditContext) async throws {
        var entries: [AuditLog.Entry] = []
        for job in jobs {
            let target = job.record.id!.uuidString
            if approvedBy != nil {
                entries.append(.init(action: .certificateApproved, context: context, targetType: "certificate", targetID: target,
                                     details: ["subject": job.subject]))
            }
            entries.append(.init(action: .certificateIssuing, context: context, targetType: "certificate", targetID: target,
                                 details: ["serial": job.serial.hexString, "subject": job.subject, "holder": job.holder.username,
                                           "issuer": issuer]))
        }
        try await WriteTransaction.run(on: database) { [services, entries] db in
            try await Self.claimMany(jobs.map(\.record), from: .pending, now: now, on: db, perRow: [
                "serial_hex": jobs.map(\.serial.hexString), "subject": jobs.map(\.subject), "email": jobs.map(\.holder.email),
            ], fixed: fixed)
            try await services.audit.appendMany(entries, on: db)
        }
    }

    /// Step 3: the certificates with their audit entries and the holders' mails, in one transaction.
    private func store(_ jobs: [Job], _ certificates: [Certificate], now: Date, context: AuditContext) async throws {
        let ders = try certificates.map { try $0.derBytes }
        var messages: [MailMessage] = []
        var entries: [AuditLog.Entry] = []
        var zones: [UUID: AgencyTimeZone] = [:]
        for (job, certificate) in zip(jobs, certificates) {
            let serial = job.serial.hexString
            let agencyID = job.holder.$agency.id
            if let agencyID, zones[agencyID] == nil { zones[agencyID] = try await AgencyModel.timeZone(of: agencyID, on: database) }
            messages.append(services.mail.compose(to: job.holder, template: "certificate_issued", arguments: [
                "serial": serial, "subject": job.subject, "url": detailURL(job.record),
                "not_after": DisplayFormat.timestamp(certificate.notValidAfter, in: agencyID.flatMap { zones[$0] } ?? .default),
            ]))
            entries.append(.init(action: .certificateIssued, context: context, targetType: "certificate", targetID: job.record.id!.uuidString,
                                 details: ["serial": serial, "subject": job.subject, "not_after": certificate.notValidAfter.ISO8601Format(),
                                           "replaces": job.record.replacesID?.uuidString ?? ""]))
        }
        try await WriteTransaction.run(on: database) { [services, entries, messages] db in
            try await Self.claimMany(jobs.map(\.record), from: .issuing, versionOffset: 1, now: now, on: db,
                                     perRow: ["certificate_der": ders.map { Data($0) }],
                                     fixed: [("status", CertificateStatus.issued.rawValue), ("issued_at", now)])
            try await services.audit.appendMany(entries + services.outbox.enqueueMany(messages, context: context, on: db), on: db)
        }
    }
}
