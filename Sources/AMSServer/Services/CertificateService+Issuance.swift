import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit

extension CertificateService {
    /// One certificate on its way through ``issueBatch(_:approvedBy:context:)``.
    private struct Job: Sendable {
        let record: CertificateModel
        let holder: Holder
        let identity: HolderIdentity
        let subject: String
        var serial: [UInt8]
    }

    /// What issuance needs of a holder, read in one query (no user models: their decoding cost more than the rest
    /// of a batch's reads).
    private struct Holder: Sendable {
        let id: UUID
        let username: String
        let email: String
        let fullName: String
        let nik: String?
        let unit: String?
        let locale: String
        let agencyName: String
        let mayBeIssuedCertificate: Bool
        let isActive: Bool

        static func load(_ ids: Set<UUID>, on database: any Database) async throws -> [UUID: Holder] {
            let sql = database as! any SQLDatabase
            let users = UserModel.schema
            let agencies = AgencyModel.schema
            let select = sql.select()
                .column(SQLColumn("id", table: users), as: "id").column(SQLColumn("username", table: users))
                .column(SQLColumn("email", table: users)).column(SQLColumn("full_name", table: users))
                .column(SQLColumn("nik", table: users)).column(SQLColumn("unit", table: users))
                .column(SQLColumn("locale", table: users)).column(SQLColumn("is_active", table: users))
                .column(SQLColumn("identity_verified_at", table: users)).column(SQLColumn("reverification_required", table: users))
                .column(SQLColumn("name", table: agencies), as: "agency_name")
                .from(users)
                .join(agencies, method: SQLJoinMethod.left, on: SQLColumn("agency_id", table: users), .equal, SQLColumn("id", table: agencies))
                .where(SQLColumn("id", table: users), .in, SQLBind.group(Array(ids)))
            var holders: [UUID: Holder] = [:]
            for row in try await RowOutput.rows(of: select, on: database) {
                let id = try row.decode("id", as: UUID.self)
                holders[id] = Holder(
                    id: id, username: try row.decode("username", as: String.self),
                    email: try row.decode("email", as: String.self), fullName: try row.decode("full_name", as: String.self),
                    nik: try row.decodeIfPresent("nik", as: String.self), unit: try row.decodeIfPresent("unit", as: String.self),
                    locale: try row.decode("locale", as: String.self),
                    agencyName: try row.decodeIfPresent("agency_name", as: String.self) ?? "",
                    mayBeIssuedCertificate: IdentityPolicy.mayIssueCertificate(
                        identityVerifiedAt: try row.decodeIfPresent("identity_verified_at", as: Date.self),
                        reverificationRequired: try row.decode("reverification_required", as: Bool.self)),
                    isActive: try row.decode("is_active", as: Bool.self))
            }
            return holders
        }
    }

    /// Issues pending certificates: (1) one transaction records every intent (status `issuing`, serial, subject,
    /// validity) with its audit entries; (2) the certificates are signed, on every core; (3) one transaction stores
    /// them with their audit entries and the holders' mails. A crash between (1) and (3) leaves `issuing` records
    /// that maintenance turns `void` and lists as revoked, so no signed certificate is ever unknown.
    func issueBatch(_ records: [CertificateModel], approvedBy: UserModel?, context: AuditContext) async throws -> [CertificateModel] {
        guard !records.isEmpty else { return [] }
        let byID = try await Holder.load(Set(records.map { $0.$holder.id }), on: database)
        let profile = services.certificateProfile
        var jobs = try await ParallelMap.run(records, on: threadPool) { record in
            guard let holder = byID[record.$holder.id], holder.mayBeIssuedCertificate, holder.isActive else {
                throw DomainError("reverification_required", "certificate data changed since verification")
            }
            let identity = HolderIdentity(fullName: holder.fullName, email: holder.email, agencyName: holder.agencyName,
                                          unit: holder.unit, nik: holder.nik)
            let subject: String
            do {
                subject = try profile.subjectText(for: identity)
            } catch {
                throw DomainError("certificate_subject_invalid", "\(error)")
            }
            return Job(record: record, holder: holder, identity: identity, subject: subject, serial: [])
        }
        let loaded = try await services.caKeys.current(on: database)
        let now = services.clock.now
        let notBefore = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let notAfter = min(notBefore.addingTimeInterval(TimeInterval(profile.validityDays) * 86_400 - 1),
                           loaded.issuing.certificate.notValidAfter)
        var intentValues: [(column: String, value: BulkValue)] = [
            ("status", .raw(CertificateStatus.issuing)), ("issuer_ca_id", .uuid(loaded.issuingID)), ("not_before", .date(notBefore)),
            ("not_after", .date(notAfter)), ("issuing_started_at", .date(now)),
        ]
        if let approvedBy { intentValues += [("decided_at", .date(now)), ("decided_by_id", .uuid(approvedBy.id))] }
        let fixed = intentValues
        // 1. the intents, with unique serials (the unique index decides; a clash, never expected, draws again)
        let audit = services.audit
        for attempt in 1...3 {
            for index in jobs.indices { jobs[index].serial = services.serials.next() }
            let intents = jobs
            let entries = try await ParallelMap.run(intents, on: threadPool) { job in
                let target = job.record.id!.uuidString
                var entries: [AuditLog.Prepared] = []
                if approvedBy != nil {
                    entries.append(audit.prepare(.init(action: .certificateApproved, context: context, targetType: "certificate",
                                                       targetID: target, details: ["subject": job.subject]), at: now))
                }
                entries.append(audit.prepare(.init(action: .certificateIssuing, context: context, targetType: "certificate", targetID: target,
                                                   details: ["serial": job.serial.hexString, "subject": job.subject,
                                                             "holder": job.holder.username, "issuer": loaded.issuing.label]), at: now))
                return entries
            }.flatMap { $0 }
            do {
                try await WriteTransaction.run(on: database) { db in
                    try await Self.claimMany(intents.map(\.record), from: .pending, now: now, on: db, perRow: [
                        "serial_hex": intents.map { .text($0.serial.hexString) }, "subject": intents.map { .text($0.subject) },
                        "email": intents.map { .text($0.holder.email) },
                    ], fixed: fixed)
                    try await audit.appendMany(prepared: entries, on: db)
                }
                break
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                continue
            }
        }
        try services.faults.afterIssuingIntent?()
        // 2. the signatures, the holders' mails and the audit entries, on every core
        let signed = try await sign(jobs, loaded: loaded, notBefore: notBefore, now: now, profile: profile, context: context)
        // 3. the certificates, their audit entries and the holders' mails, together
        try await store(jobs, signed, now: now)
        Self.recordIssued(jobs, signed, loaded: loaded, notBefore: notBefore, now: now, approvedBy: approvedBy)
        return jobs.map(\.record)
    }

    /// A signed certificate with what storing it needs.
    private struct Signed: Sendable {
        let der: [UInt8]
        let notAfter: Date
        let mail: Outbox.Prepared
        /// `certificate.issued` and the mail's `mail.queued`.
        let audit: [AuditLog.Prepared]
    }

    /// Signs the certificates, writes and seals their holders' mails and prepares their audit entries, on every core.
    private func sign(_ jobs: [Job], loaded: LoadedAuthorities, notBefore: Date, now: Date, profile: CertificateProfile,
                      context: AuditContext) async throws -> [Signed] {
        let writer = try HolderCertificateWriter(issuer: loaded.issuing, profile: profile, endpoints: services.pkiEndpoints)
        let outbox = services.outbox
        let audit = services.audit
        return try await ParallelMap.run(jobs, on: threadPool) { [self] job in
            let certificate = try writer.issue(serial: job.serial, subjectPublicKeyInfo: Array(job.record.publicKey),
                                               holder: job.identity, notBefore: notBefore)
            let message = mail(to: job.holder.email, name: job.holder.fullName, locale: job.holder.locale, template: "certificate_issued",
                               subjectKey: "mail_certificate_issued_subject", bodyKey: "mail_certificate_issued_body",
                               arguments: ["serial": job.serial.hexString, "subject": job.subject, "url": detailURL(job.record),
                                           "not_after": DisplayFormat.timestamp(certificate.notAfter)])
            let prepared = try outbox.prepare(message)
            let issued = AuditLog.Entry(action: .certificateIssued, context: context, targetType: "certificate",
                                        targetID: job.record.id!.uuidString,
                                        details: ["serial": job.serial.hexString, "subject": job.subject,
                                                  "not_after": certificate.notAfter.ISO8601Format(),
                                                  "replaces": job.record.replacesID?.uuidString ?? ""])
            return Signed(der: certificate.der, notAfter: certificate.notAfter, mail: prepared,
                          audit: [audit.prepare(issued, at: now), audit.prepare(Outbox.queuedEntry(prepared, context: context), at: now)])
        }
    }

    /// Stores the certificates with their audit entries and the holders' mails, in one transaction.
    private func store(_ jobs: [Job], _ signed: [Signed], now: Date) async throws {
        // one notAfter for the whole batch (same notBefore, same profile, same cap)
        let notAfter = signed[0].notAfter
        try await WriteTransaction.run(on: database) { [services] db in
            try await Self.claimMany(jobs.map(\.record), from: .issuing, versionOffset: 1, now: now, on: db,
                                     perRow: ["certificate_der": signed.map { .blob(Data($0.der)) }],
                                     fixed: [("status", .raw(CertificateStatus.issued)), ("issued_at", .date(now)), ("not_after", .date(notAfter))])
            try await services.outbox.insert(signed.map(\.mail), on: db)
            try await services.audit.appendMany(prepared: signed.flatMap(\.audit), on: db)
        }
    }

    /// The records as the two updates left them (reading 500 models back cost more than writing them).
    private static func recordIssued(_ jobs: [Job], _ signed: [Signed], loaded: LoadedAuthorities, notBefore: Date,
                                     now: Date, approvedBy: UserModel?) {
        for (job, certificate) in zip(jobs, signed) {
            let record = job.record
            record.status = .issued
            record.version += 2
            record.updatedAt = now
            record.serialHex = job.serial.hexString
            record.subject = job.subject
            record.email = job.holder.email
            record.$issuer.id = loaded.issuingID
            record.notBefore = notBefore
            record.notAfter = signed[0].notAfter
            record.issuingStartedAt = now
            if let approvedBy {
                record.decidedAt = now
                record.decidedByID = approvedBy.id
            }
            record.certificateDER = Data(certificate.der)
            record.issuedAt = now
        }
    }
}
