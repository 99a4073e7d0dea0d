import AMSCore
import AMSPKI
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import X509

/// Certificates from request to revocation. Every state change is one transaction with its audit entry and its
/// mail; issuance writes its intent (serial, subject, holder) before signing, so a crash after signing never
/// leaves a certificate AMS does not know about.
package struct CertificateService: Sendable {
    let services: AMSServices
    let database: any Database
    /// Where scrypt runs (a second of CPU per passphrase), off the event loops.
    let threadPool: NIOThreadPool

    package init(services: AMSServices, database: any Database, threadPool: NIOThreadPool) {
        self.services = services
        self.database = database
        self.threadPool = threadPool
    }

    /// Where the holder's key pair comes from.
    enum KeySource: Sendable {
        /// AMS generates the key and wraps it under this passphrase.
        case passphrase(String, confirmation: String)
        /// A PKCS#10 request (PEM or DER).
        case csr([UInt8])
    }

    static let passphraseLength = 12...1024

    /// Who started a request. Only the holder asks for their own certificate: a request an agency application starts
    /// waits (``CertificateStatus/awaitingHolder``) until the holder confirms it, signed in and re-entering their
    /// password (``confirmByHolder(_:holder:context:)``); nobody can approve it before.
    enum RequestOrigin: Sendable, Equatable {
        /// The holder, signed in, having re-entered their password.
        case holder
        /// An agency application through the API, named by its key.
        case agencyApplication(name: String)
    }

    // MARK: request

    /// A certificate request for `holder` (or, with `replaces`, a renewal or replacement). From the holder it goes to a
    /// CA operator's approval, or is issued at once when the setting says issuance needs no approval; from an agency
    /// application it first waits for the holder's confirmation.
    func request(holder: UserModel, source: KeySource, replaces: UUID? = nil, origin: RequestOrigin = .holder,
                 context: AuditContext) async throws -> CertificateModel {
        guard Permissions.canRequestCertificate(actor: holder.actor), holder.isActive else { throw DomainError.forbidden }
        guard holder.identityVerifiedAt != nil else { throw DomainError(.identityNotVerified, "the holder's identity is not verified") }
        guard holder.mayBeIssuedCertificate else { throw DomainError(.reverificationRequired, "certificate data changed since verification") }
        let open = try await CertificateModel.query(on: database).filter(\.$holder.$id == holder.id!)
            .filter(\.$status ~~ CertificateStatus.allCases.filter(\.isOpen)).count()
        guard open == 0 else { throw DomainError(.certificateRequestOpen, "the holder has an open certificate request") }
        let identity = try await holderIdentity(holder)
        let subject: String
        do {
            subject = try services.certificateProfile.subjectText(for: identity)
        } catch {
            throw DomainError(.certificateSubjectInvalid, "\(error)")
        }
        let key = try await prepareKey(source)
        let now = services.clock.now
        let record = CertificateModel()
        record.$holder.id = holder.id!
        record.$agency.id = holder.$agency.id
        switch origin {
        case .holder:
            (record.status, record.requestedVia, record.requestedBy) = (.pending, "web", holder.username)
        case .agencyApplication(let name):
            (record.status, record.requestedVia, record.requestedBy) = (.awaitingHolder, "api", name)
        }
        record.method = key.method
        record.profile = services.certificateProfile.name
        record.version = 1
        record.subject = subject
        record.email = holder.email
        record.keyAlgorithm = key.algorithm.rawValue
        record.publicKey = Data(key.publicKeyDER)
        record.wrappedKey = key.wrapped.map { Data($0) }
        record.csrDER = key.csr.map { Data($0) }
        record.requestedAt = now
        record.replacesID = replaces
        record.reminderStage = 0
        record.updatedAt = now
        try await WriteTransaction.run(on: database) { [services] db in
            try await record.create(on: db)
            try await services.audit.append(.certificateRequested, context: context, targetType: "certificate", targetID: record.id!.uuidString,
                                            details: ["method": key.method.rawValue, "algorithm": key.algorithm.rawValue,
                                                      "subject": subject, "replaces": replaces?.uuidString ?? "",
                                                      "via": record.requestedVia, "by": record.requestedBy], on: db)
        }
        guard record.status == .pending, !services.configuration.certificates.approvalRequired else { return record }
        return try await issue(record, approvedBy: nil, context: context)
    }

    /// The holder confirms a request an agency application started for them (the caller has checked their
    /// re-entered password): it goes on to approval, or is issued at once without approval.
    func confirmByHolder(_ record: CertificateModel, holder: UserModel, context: AuditContext) async throws -> CertificateModel {
        try await answerByHolder(record, holder: holder, action: .certificateConfirmedByHolder, context: context) { update, now in
            update.set("status", to: CertificateStatus.pending.rawValue).set("holder_confirmed_at", to: now)
        }
        guard let confirmed = try await CertificateModel.find(record.id, on: database) else { throw DomainError.notFound }
        guard !services.configuration.certificates.approvalRequired else { return confirmed }
        return try await issue(confirmed, approvedBy: nil, context: context)
    }

    /// The holder declines a request an agency application started for them: it is closed as rejected and never
    /// signed.
    func declineByHolder(_ record: CertificateModel, holder: UserModel, context: AuditContext) async throws {
        try await answerByHolder(record, holder: holder, action: .certificateDeclinedByHolder, context: context) { update, now in
            update.set("status", to: CertificateStatus.rejected.rawValue).set("decided_at", to: now)
                .set("decision_note", to: "declined by the holder")
        }
    }

    /// The holder's answer to a request waiting for them: one conditional update with its audit entry.
    private func answerByHolder(_ record: CertificateModel, holder: UserModel, action: AuditAction, context: AuditContext,
                                _ changes: @escaping @Sendable (SQLUpdateBuilder, Date) -> Void) async throws {
        guard Permissions.canConfirmCertificateRequest(actor: holder.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        guard record.status == .awaitingHolder else { throw DomainError(.certificateNotAwaitingHolder, "the request does not wait for the holder") }
        let now = services.clock.now
        try await WriteTransaction.run(on: database) { [services] db in
            try await Self.claim(record, from: .awaitingHolder, expectedVersion: record.version, now: now, on: db) { changes($0, now) }
            try await services.audit.append(action, context: context, targetType: "certificate", targetID: record.id!.uuidString,
                                            details: ["by": record.requestedBy], on: db)
        }
    }

    private struct PreparedKey: Sendable {
        let method: CertificateMethod
        let algorithm: KeyAlgorithm
        let publicKeyDER: [UInt8]
        let wrapped: [UInt8]?
        let csr: [UInt8]?
    }

    private func prepareKey(_ source: KeySource) async throws -> PreparedKey {
        switch source {
        case .passphrase(let passphrase, let confirmation):
            try Self.checkPassphrase(passphrase, confirmation: confirmation)
            let algorithm = services.configuration.certificates.holderKeyAlgorithm
            let wrap = services.passphraseWrap
            return try await threadPool.runIfActive {
                let key = try SigningKey.generate(algorithm)
                return PreparedKey(method: .generated, algorithm: algorithm, publicKeyDER: try Self.spki(key.publicKey),
                                   wrapped: try wrap.wrap(key, passphrase: passphrase), csr: nil)
            }
        case .csr(let bytes):
            let inspector = CSRInspector(allowed: services.configuration.certificates.acceptedCSRAlgorithms)
            do {
                let accepted = try inspector.inspect(bytes)
                return PreparedKey(method: .csr, algorithm: accepted.algorithm, publicKeyDER: try Self.spki(accepted.publicKey),
                                   wrapped: nil, csr: accepted.der)
            } catch let error as PKIError {
                throw ValidationError(["csr": "error_\(error.code)"])
            }
        }
    }

    static func spki(_ key: Certificate.PublicKey) throws -> [UInt8] {
        try key.derBytes
    }

    func holderIdentity(_ holder: UserModel) async throws -> HolderIdentity {
        _ = try await holder.$agency.get(on: database)
        return holder.holderIdentity
    }

    // MARK: decisions

    /// A CA operator approves a pending request: the certificate is issued at once.
    package func approve(_ record: CertificateModel, expectedVersion: Int, by operatorUser: UserModel, context: AuditContext) async throws -> CertificateModel {
        guard let issued = try await approveMany([record], expectedVersions: [record.id!: expectedVersion], by: operatorUser,
                                                 context: context).first else { throw DomainError.notFound }
        return issued
    }

    /// The most requests one approval may take (a page of the queue is far fewer).
    static let approvalLimit = 500
    /// The most expiry reminders one maintenance pass sends (the rest in the next).
    static let reminderBatch = 1000

    /// A CA operator approves several pending requests at once (the queue's "approve selected"): each is checked as
    /// a single approval would be (permission, the version the operator saw, still pending), then all are issued in
    /// one batch; if any check fails, none is approved.
    package func approveMany(_ records: [CertificateModel], expectedVersions: [UUID: Int], by operatorUser: UserModel,
                     context: AuditContext) async throws -> [CertificateModel] {
        guard records.count <= Self.approvalLimit else { throw DomainError(.tooManySelected, "at most \(Self.approvalLimit) at once") }
        for record in records {
            guard Permissions.canDecideCertificate(actor: operatorUser.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
            guard record.version == expectedVersions[record.id!] else { throw DomainError.staleVersion }
            guard record.status == .pending else { throw DomainError(.certificateNotPending, "the request is no longer pending") }
        }
        return try await issueBatch(records, approvedBy: operatorUser, context: context)
    }

    /// A CA operator declines a pending request, with a reason the holder reads in the mail.
    func reject(_ record: CertificateModel, expectedVersion: Int, note: String, by operatorUser: UserModel, context: AuditContext) async throws {
        guard Permissions.canDecideCertificate(actor: operatorUser.actor, holderID: record.$holder.id) else { throw DomainError.forbidden }
        let reason = LogSafe.field(note.trimmingCharacters(in: .whitespacesAndNewlines), limit: 1000)
        guard !reason.isEmpty else { throw ValidationError(["note": "error_reason_required"]) }
        let now = services.clock.now
        let holder = try await record.$holder.get(on: database)
        let mail = services.mail.compose(to: holder, template: "certificate_rejected", arguments: ["reason": reason, "url": detailURL(record)])
        try await WriteTransaction.run(on: database) { [services] db in
            try await Self.claim(record, from: .pending, expectedVersion: expectedVersion, now: now, on: db) { update in
                update.set("status", to: CertificateStatus.rejected.rawValue).set("decided_at", to: now)
                    .set("decided_by_id", to: operatorUser.id).set("decision_note", to: reason)
            }
            try await services.audit.append(.certificateRejected, context: context, targetType: "certificate", targetID: record.id!.uuidString,
                                            details: ["reason": reason], on: db)
            try await services.outbox.enqueue(mail, context: context, on: db)
        }
    }

    // MARK: issuance

    /// Issues one approved (or, without approval, freshly requested) certificate; see ``issueBatch(_:approvedBy:context:)``.
    func issue(_ record: CertificateModel, approvedBy: UserModel?, context: AuditContext) async throws -> CertificateModel {
        guard let issued = try await issueBatch([record], approvedBy: approvedBy, context: context).first else { throw DomainError.notFound }
        return issued
    }

    /// The conditional update every state change goes through: it succeeds only from the expected status and
    /// version, so of two concurrent actors exactly one wins and the other is told to reload.
    static func claim(_ record: CertificateModel, from status: CertificateStatus, expectedVersion: Int, now: Date, on db: any Database,
                      _ changes: (SQLUpdateBuilder) -> Void) async throws {
        let sql = db as! any SQLDatabase
        let update = sql.update(CertificateModel.schema)
            .set("version", to: SQLRaw("version + 1"))
            .set("updated_at", to: now)
        changes(update)
        let rows = try await update.where("id", .equal, record.id!).where("status", .equal, status.rawValue)
            .where("version", .equal, expectedVersion).returning("id").all()
        guard rows.count == 1 else { throw DomainError.staleVersion }
    }

    /// ``claim(_:from:expectedVersion:now:on:_:)`` for many records in one statement: each record's id, expected
    /// version and own values come as one row of a `VALUES` list joined by id (`UPDATE … FROM (VALUES …)`, in
    /// SQLite and PostgreSQL alike: an index lookup per row), `fixed` values are the same for all, and either every
    /// record moves or none does.
    static func claimMany(_ records: [CertificateModel], from status: CertificateStatus, versionOffset: Int = 0, now: Date,
                          on db: any Database, perRow: [String: [any Encodable & Sendable]],
                          fixed: [(column: String, value: any Encodable & Sendable)]) async throws {
        guard !records.isEmpty else { return }
        let sql = db as! any SQLDatabase
        let table = SQLIdentifier(CertificateModel.schema)
        let incoming = SQLIdentifier("v")
        func current(_ column: String) -> any SQLExpression { SQLColumn(SQLIdentifier(column), table: table) }
        // VALUES columns are named column1, column2, … by both databases: id, expected version, then perRow's
        func given(_ position: Int) -> any SQLExpression { SQLColumn(SQLIdentifier("column\(position)"), table: incoming) }
        let columns = perRow.keys.sorted()
        var assignments: [any SQLExpression] = [
            SQLBinaryExpression(SQLIdentifier("version"), .equal, SQLBinaryExpression(current("version"), .add, SQLLiteral.numeric("1"))),
            SQLBinaryExpression(SQLIdentifier("updated_at"), .equal, SQLBind(now)),
        ]
        for (position, column) in columns.enumerated() {
            assignments.append(SQLBinaryExpression(SQLIdentifier(column), .equal, given(position + 3)))
        }
        for (column, value) in fixed {
            assignments.append(SQLBinaryExpression(SQLIdentifier(column), .equal, SQLBind(value)))
        }
        let values: [any SQLExpression] = records.indices.map { index in
            SQLGroupExpression([SQLBind(records[index].id!), SQLBind(records[index].version + versionOffset)]
                               + columns.map { SQLBind(perRow[$0]![index]) })
        }
        let statement = SQLList([
            SQLRaw("UPDATE "), table, SQLRaw(" SET "), SQLList(assignments),
            SQLRaw(" FROM (VALUES "), SQLList(values), SQLRaw(") AS "), incoming,
            SQLRaw(" WHERE "), SQLBinaryExpression(current("id"), .equal, given(1)),
            SQLRaw(" AND "), SQLBinaryExpression(current("status"), .equal, SQLBind(status.rawValue)),
            SQLRaw(" AND "), SQLBinaryExpression(current("version"), .equal, SQLList([SQLRaw("CAST("), given(2), SQLRaw(" AS BIGINT)")], separator: SQLRaw(""))),
            SQLRaw(" RETURNING "), current("id"),
        ], separator: SQLRaw(""))
        let moved = NIOLockedValueBox(0)
        try await sql.execute(sql: statement) { _ in moved.withLockedValue { $0 += 1 } }
        guard moved.withLockedValue({ $0 }) == records.count else { throw DomainError.staleVersion }
    }

    // MARK: mail

    func detailURL(_ record: CertificateModel) -> String {
        services.configuration.publicBaseURL + "/certificates/" + record.id!.uuidString
    }
}

extension UserModel {
    /// The verified identity a certificate names (the agency must be loaded).
    var holderIdentity: HolderIdentity {
        HolderIdentity(fullName: fullName, givenName: givenName, surname: surname, email: email, agencyName: agency?.nameInCertificates ?? "",
                       unit: unit, nik: nik)
    }
}
