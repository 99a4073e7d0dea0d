import AMSCore
import AMSPKI
import Crypto
import Fluent
import Foundation
import NIOPosix
import SQLKit
import X509

/// Institutions' electronic seals (segel elektronik). An agency operator requests a seal for their agency; a CA
/// operator approves it — AMS makes the key, issues the certificate under the seal profile (the agency as organisation,
/// the seal policy) and keeps the key sealed under the key-encryption key, so nobody ever holds it — or refuses it with a
/// reason, and may revoke it later. The agency operator keeps the list of the agency's accounts that may seal: they
/// receive the activation codes an application asks for. The national API's seal calls then run as its guide
/// describes: a mailed activation code turns into an activation (the application's secret, bound to its key), an
/// activation gives single-use codes for a number of files, and a code seals that many files. Every step is audited;
/// codes are stored hashed.
struct SealService: Sendable {
    let services: AMSServices
    let database: any Database
    let threadPool: NIOThreadPool

    static let activationCodeLifetime: TimeInterval = 10 * 60
    static let batchCodeLifetime: TimeInterval = 10 * 60
    static let maximumDocuments = SigningService.maximumDocuments

    /// Why a seal call is refused; the API says each in its own words.
    enum Failure: Error, Equatable {
        /// No seal by that id in the calling application's agency.
        case notFound
        /// The seal is not active (requested, refused or revoked).
        case notActive
        /// Nobody is listed to receive the activation code.
        case noSealers
        /// A wrong, used or expired code or activation.
        case wrongCode
        /// More files than the batch code was given for.
        case tooManyDocuments(allowed: Int)
    }

    // MARK: the seal's life

    /// A new seal request for `agency`, by its operator.
    func request(agency: AgencyModel, name: String, contactEmail: String, by requester: UserModel, context: AuditContext) async throws -> SealModel {
        guard Permissions.canManageSeal(actor: requester.actor, agencyID: agency.id!) else { throw DomainError.forbidden }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String: ValidationError.Message] = [:]
        if trimmed.isEmpty || trimmed.count > CertificateProfile.nameAttributeLimit {
            errors["name"] = .init("error_seal_name", ["max": String(CertificateProfile.nameAttributeLimit)])
        }
        if EmailAddress(contactEmail) == nil { errors["contactEmail"] = .init("error_invalid_email") }
        guard errors.isEmpty else { throw ValidationError(fields: errors) }
        let seal = SealModel()
        seal.$agency.id = agency.id!
        seal.idSubscriber = "SEAL-" + Self.code(length: 12, random: services.random)
        seal.name = trimmed
        seal.contactEmail = contactEmail.trimmingCharacters(in: .whitespaces).lowercased()
        seal.status = .requested
        seal.requestedByID = requester.id!
        seal.requestedAt = services.clock.now
        try await WriteTransaction.run(on: database) { [services] db in
            try await seal.create(on: db)
            try await services.audit.append(.sealRequested, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["agency": agency.code, "name": seal.name, "id_subscriber": seal.idSubscriber], on: db)
        }
        return seal
    }

    /// A CA operator approves: a new key (held by AMS, sealed under the key-encryption key) and the seal certificate.
    func approve(_ seal: SealModel, by approver: UserModel, context: AuditContext) async throws {
        guard Permissions.canDecideSeals(actor: approver.actor) else { throw DomainError.forbidden }
        guard seal.status == .requested else { throw DomainError(.invalidStatus, "only a requested seal can be approved") }
        let agency = try await seal.$agency.get(on: database)
        let loaded = try await services.caKeys.current(on: database)
        let now = services.clock.now
        let key = try SigningKey.generate(.p256)
        let serial = services.serials.next()
        let identity = HolderIdentity(fullName: seal.name, email: seal.contactEmail, agencyName: agency.name, unit: nil, nik: nil)
        let certificate = try loaded.issuing.issue(services.sealProfile, serial: serial, publicKey: key.publicKey, identity: identity,
                                                   notBefore: now, endpoints: services.pkiEndpoints)
        let sealed = try services.caKeys.seal(key, label: Self.keyLabel(seal))
        try await WriteTransaction.run(on: database) { [services] db in
            seal.status = .active
            seal.decidedByID = approver.id
            seal.decidedAt = now
            seal.issuerID = loaded.issuingID
            seal.serialHex = Array(certificate.serialNumber.bytes).hexString
            seal.certificateDER = Data(try certificate.derBytes)
            seal.notAfter = certificate.notValidAfter
            seal.sealedKey = Data(sealed)
            seal.keyAlgorithm = key.algorithm.rawValue
            try await seal.update(on: db)
            try await services.audit.append(.sealApproved, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["serial": seal.serialHex ?? "", "subject": certificate.subject.description], on: db)
        }
    }

    /// A CA operator refuses a request, saying why.
    func reject(_ seal: SealModel, note: String, by decider: UserModel, context: AuditContext) async throws {
        guard Permissions.canDecideSeals(actor: decider.actor) else { throw DomainError.forbidden }
        guard seal.status == .requested else { throw DomainError(.invalidStatus, "only a requested seal can be refused") }
        let reason = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ValidationError(["note": "error_reason_required"]) }
        try await WriteTransaction.run(on: database) { [services] db in
            seal.status = .rejected
            seal.decidedByID = decider.id
            seal.decidedAt = services.clock.now
            seal.decisionNote = String(reason.prefix(500))
            try await seal.update(on: db)
            try await services.audit.append(.sealRejected, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["reason": LogSafe.field(reason, limit: 200)], on: db)
        }
    }

    /// A CA operator revokes an active seal: it seals no more; OCSP and the next CRL say so at once.
    func revoke(_ seal: SealModel, reason: RevocationReason, by revoker: UserModel, context: AuditContext) async throws {
        guard Permissions.canDecideSeals(actor: revoker.actor) else { throw DomainError.forbidden }
        guard seal.status == .active else { throw DomainError(.invalidStatus, "only an active seal can be revoked") }
        let now = services.clock.now
        do {
            try await WriteTransaction.run(on: database) { [services] db in
                seal.status = .revoked
                seal.revokedAt = now
                seal.revocationReason = reason.rawValue
                try await seal.update(on: db)
                try await SealCodeModel.query(on: db).filter(\.$seal.$id == seal.id!).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
                try await services.audit.append(.sealRevoked, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                                details: ["serial": seal.serialHex ?? "", "reason": reason.name], on: db)
                try await CertificateStatusFeed.announce(on: db)
            }
        } catch {
            services.ocspStatuses.forgetAll()
            throw error
        }
        services.ocspStatuses.forgetAll()
        try await CRLPublisher(services: services).publish(on: database)
    }

    /// The agency's operator lets one of the agency's active accounts seal.
    func addSealer(_ seal: SealModel, user: UserModel, by manager: UserModel, context: AuditContext) async throws {
        guard Permissions.canManageSeal(actor: manager.actor, agencyID: seal.$agency.id) else { throw DomainError.forbidden }
        guard user.$agency.id == seal.$agency.id, user.isActive else { throw ValidationError(["userID": "error_seal_sealer_agency"]) }
        guard try await SealSealerModel.query(on: database).filter(\.$seal.$id == seal.id!).filter(\.$user.$id == user.id!).count() == 0 else {
            return
        }
        let row = SealSealerModel()
        row.$seal.id = seal.id!
        row.$user.id = user.id!
        row.addedByID = manager.id!
        row.addedAt = services.clock.now
        try await WriteTransaction.run(on: database) { [services] db in
            try await row.create(on: db)
            try await services.audit.append(.sealSealerAdded, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["user": user.username], on: db)
        }
    }

    func removeSealer(_ seal: SealModel, userID: UUID, by manager: UserModel, context: AuditContext) async throws {
        guard Permissions.canManageSeal(actor: manager.actor, agencyID: seal.$agency.id) else { throw DomainError.forbidden }
        guard let row = try await SealSealerModel.query(on: database).filter(\.$seal.$id == seal.id!).filter(\.$user.$id == userID)
            .with(\.$user).first() else { throw DomainError.notFound }
        try await WriteTransaction.run(on: database) { [services] db in
            try await row.delete(on: db)
            try await services.audit.append(.sealSealerRemoved, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["user": row.user.username], on: db)
        }
    }

    // MARK: the national API's seal calls

    /// The seal called `idSubscriber` in the application's agency.
    func seal(idSubscriber: String, for key: APIKeyModel) async throws -> SealModel {
        guard let seal = try await SealModel.query(on: database).filter(\.$idSubscriber == idSubscriber.trimmingCharacters(in: .whitespaces))
            .filter(\.$agency.$id == key.$agency.id).first() else { throw Failure.notFound }
        return seal
    }

    /// Mails a single-use activation code to everyone listed as a sealer; returns when it expires.
    func mailActivationCode(_ seal: SealModel, key: APIKeyModel, context: AuditContext) async throws -> Date {
        try requireActive(seal)
        let sealers = try await SealSealerModel.query(on: database).filter(\.$seal.$id == seal.id!).with(\.$user).all()
            .map(\.user).filter(\.isActive)
        guard !sealers.isEmpty else { throw Failure.noSealers }
        let code = Self.code(length: 10, random: services.random)
        let now = services.clock.now
        let expires = now.addingTimeInterval(Self.activationCodeLifetime)
        let row = newCode(seal, key: key, kind: .activationCode, code: code, documents: nil, expires: expires)
        let mails = sealers.map { sealer in
            services.mail.compose(to: sealer, template: "seal_activation_code", arguments: [
                "code": code, "seal": seal.name, "application": key.name, "minutes": String(Int(Self.activationCodeLifetime / 60)),
            ])
        }
        try await WriteTransaction.run(on: database) { [services] db in
            try await row.create(on: db)
            try await services.audit.append(.sealActivationCodeSent, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["recipients": String(sealers.count)], on: db)
            for mail in mails { try await services.outbox.enqueue(mail, context: context, on: db) }
        }
        return expires
    }

    /// Turns a mailed activation code into an activation for the calling application: a 256-bit secret, shown once.
    func activate(_ seal: SealModel, code: String, key: APIKeyModel, context: AuditContext) async throws -> String {
        try requireActive(seal)
        let spent = try await spend(code, kind: .activationCode, seal: seal, key: key, context: context)
        let secret = services.newToken().value
        let row = newCode(seal, key: key, kind: .activation, code: secret, documents: nil, expires: nil)
        try await WriteTransaction.run(on: database) { [services] db in
            guard try await Self.claim(spent, at: services.clock.now, on: db) else { throw Failure.wrongCode }
            try await row.create(on: db)
            try await services.audit.append(.sealActivated, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["application": key.name], on: db)
        }
        return secret
    }

    /// Ends the application's activation (its secret works no more, nor the codes it gave).
    func endActivation(_ seal: SealModel, secret: String, key: APIKeyModel, context: AuditContext) async throws {
        let activation = try await spend(secret, kind: .activation, seal: seal, key: key, context: context)
        let now = services.clock.now
        try await WriteTransaction.run(on: database) { [services] db in
            try await SealCodeModel.query(on: db).filter(\.$id == activation.id!).set(\.$usedAt, to: now).update()
            try await SealCodeModel.query(on: db).filter(\.$seal.$id == seal.id!).filter(\.$apiKey.$id == key.id!)
                .filter(\.$kind == .batch).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            try await services.audit.append(.sealActivationEnded, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["application": key.name], on: db)
        }
    }

    /// A single-use code for sealing `documents` files, given against the application's activation.
    func batchCode(_ seal: SealModel, documents: Int, secret: String, key: APIKeyModel, context: AuditContext) async throws -> (code: String, expires: Date) {
        try requireActive(seal)
        guard (1...Self.maximumDocuments).contains(documents) else {
            throw ValidationError(fields: ["data": .init("error_signing_document_count", ["max": String(Self.maximumDocuments)])])
        }
        _ = try await spend(secret, kind: .activation, seal: seal, key: key, context: context)
        let code = services.newToken().value
        let expires = services.clock.now.addingTimeInterval(Self.batchCodeLifetime)
        let row = newCode(seal, key: key, kind: .batch, code: code, documents: documents, expires: expires)
        try await WriteTransaction.run(on: database) { [services] db in
            try await row.create(on: db)
            try await services.audit.append(.sealBatchCodeIssued, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                            details: ["application": key.name, "documents": String(documents)], on: db)
        }
        return (code, expires)
    }

    /// Seals `documents` (at most the batch code's count) with the seal's key; the code is spent with them.
    func seal(_ documents: [SigningService.Document], seal: SealModel, code: String, key: APIKeyModel,
              context: AuditContext) async throws -> [SigningService.Signed] {
        try requireActive(seal)
        try SigningService(services: services, database: database, threadPool: threadPool).check(documents)
        let batch = try await spend(code, kind: .batch, seal: seal, key: key, context: context)
        guard documents.count <= batch.documents ?? 0 else { throw Failure.tooManyDocuments(allowed: batch.documents ?? 0) }
        // the code is claimed before the work (two calls cannot both use it) and given back if sealing fails
        guard try await Self.claim(batch, at: services.clock.now, on: database) else { throw Failure.wrongCode }
        do {
            return try await sealClaimed(documents, seal: seal, key: key, context: context)
        } catch {
            try? await SealCodeModel.query(on: database).filter(\.$id == batch.id!).set(\.$usedAt, to: nil).update()
            throw error
        }
    }

    private func sealClaimed(_ documents: [SigningService.Document], seal: SealModel, key: APIKeyModel,
                             context: AuditContext) async throws -> [SigningService.Signed] {
        guard let certificateDER = seal.certificateDER.map({ Array($0) }), let sealedKey = seal.sealedKey.map({ Array($0) }),
              let algorithm = seal.keyAlgorithm.flatMap(KeyAlgorithm.init(rawValue:)) else { throw Failure.notActive }
        let signingKey = try services.caKeys.open(sealedKey, label: Self.keyLabel(seal), algorithm: algorithm)
        let now = services.clock.now
        let verifyURL = services.configuration.publicBaseURL + "/verifikasi"
        let signed = try await DocumentSigning(services: services, database: database, threadPool: threadPool).sign(
            documents, as: .init(certificateDER: certificateDER, serialHex: seal.serialHex ?? "", key: signingKey, name: seal.name,
                                 appearanceLine: "seal_appearance_by", fieldPrefix: "AMS-SEAL-"),
            at: now) { _ in verifyURL }
        try await WriteTransaction.run(on: database) { [services] db in
            for (document, result) in zip(documents, signed) {
                try await services.audit.append(.documentSealed, context: context, targetType: "seal", targetID: seal.id!.uuidString,
                                                details: ["document_sha256": TokenDigest.sha256Hex(document.bytes),
                                                          "sealed_sha256": TokenDigest.sha256Hex(result.bytes),
                                                          "level": document.level.rawValue, "application": key.name], on: db)
            }
        }
        for _ in documents { services.metrics.documentSigned("seal") }
        return zip(documents, signed).map { SigningService.Signed(name: SigningService.signedName($0.name), bytes: $1.bytes, recordID: UUID()) }
    }

    // MARK: helpers

    private func requireActive(_ seal: SealModel) throws {
        guard seal.status == .active, (seal.notAfter ?? .distantPast) > services.clock.now else { throw Failure.notActive }
    }

    private func newCode(_ seal: SealModel, key: APIKeyModel, kind: SealCodeModel.Kind, code: String, documents: Int?, expires: Date?) -> SealCodeModel {
        let row = SealCodeModel()
        row.$seal.id = seal.id!
        row.$apiKey.id = key.id!
        row.kind = kind
        row.codeHash = Self.hash(code, kind: kind, seal: seal)
        row.documents = documents
        row.createdAt = services.clock.now
        row.expiresAt = expires
        return row
    }

    /// The unused, unexpired code of `kind` that `typed` is, for this seal and application; else audited and refused.
    private func spend(_ typed: String, kind: SealCodeModel.Kind, seal: SealModel, key: APIKeyModel, context: AuditContext) async throws -> SealCodeModel {
        let now = services.clock.now
        let wanted = Self.hash(typed.trimmingCharacters(in: .whitespaces), kind: kind, seal: seal)
        let candidates = try await SealCodeModel.query(on: database).filter(\.$seal.$id == seal.id!).filter(\.$apiKey.$id == key.id!)
            .filter(\.$kind == kind).filter(\.$usedAt == nil).filter(\.$codeHash == wanted).all()
        if let found = candidates.first(where: { ($0.expiresAt ?? .distantFuture) > now }) { return found }
        try await WriteTransaction.run(on: database) { [services] db in
            try await services.audit.append(.sealCodeRejected, outcome: .denied, context: context, targetType: "seal",
                                            targetID: seal.id!.uuidString, details: ["kind": kind.rawValue, "application": key.name], on: db)
        }
        throw Failure.wrongCode
    }

    /// Marks `code` used unless something else did first; whether this call got it.
    static func claim(_ code: SealCodeModel, at now: Date, on database: any Database) async throws -> Bool {
        let claimed = try await (database as! any SQLDatabase).update(SealCodeModel.schema).set("used_at", to: now)
            .where("id", .equal, code.id!).where("used_at", .is, SQLLiteral.null).returning("id").all()
        return !claimed.isEmpty
    }

    static func hash(_ code: String, kind: SealCodeModel.Kind, seal: SealModel) -> String {
        TokenDigest.hex("seal-code:\(kind.rawValue):\(seal.id!.uuidString):\(code.uppercased())")
    }

    static func keyLabel(_ seal: SealModel) -> String { "seal:" + seal.id!.uuidString.lowercased() }

    /// `length` characters from an alphabet without look-alikes (no 0/O, 1/I/L): what people copy from a mail.
    static func code(length: Int, random: any RandomSource) -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        return String((0..<length).map { _ in alphabet[random.uniform(below: alphabet.count)] })
    }
}
