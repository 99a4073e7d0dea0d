import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit

/// What the national e-signature API needs beyond signing itself: the signer named by NIK or e-mail within the
/// calling application's agency, the signer's status in the API's nine words, the signed document kept for v1's
/// download, and the registration invitation of v2.
struct ESignService: Sendable {
    let services: AMSServices
    let database: any Database

    /// The account named by `nik` or `email`, in `key`'s agency; an unknown one is 2011, another agency's 4031.
    func signer(nik: String?, email: String?, key: APIKeyModel) async throws -> UserModel {
        let wantedNIK = nik?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let wantedEmail = email?.trimmingCharacters(in: .whitespaces).lowercased().nilIfEmpty
        guard wantedNIK != nil || wantedEmail != nil else { throw ESignError.signerMissing }
        var query = UserModel.query(on: database).filter(\.$role == .applicant)
        if let wantedNIK { query = query.filter(\.$nik == wantedNIK) } else if let wantedEmail { query = query.filter(\.$email == wantedEmail) }
        let found = try await query.all()
        guard !found.isEmpty else { throw ESignError.notRegistered(wantedNIK.map { "NIK \($0)" } ?? "e-mail \(wantedEmail ?? "")") }
        guard let mine = found.first(where: { $0.$agency.id == key.$agency.id }) else { throw ESignError.otherAgency }
        return mine
    }

    /// The signer's status as the API words it; NOT_REGISTERED or WAITING_FOR_VERIFICATION for a person without an
    /// account here (the latter while a registration request of theirs is open in the agency).
    func status(nik: String?, email: String?, key: APIKeyModel) async throws -> SignerStatus {
        let now = services.clock.now
        do {
            return try await status(of: try await signer(nik: nik, email: email, key: key))
        } catch let error as ESignError where error.code == 2011 {
            var open = RegistrationRequestModel.query(on: database).filter(\.$agency.$id == key.$agency.id)
                .filter(\.$status !~ [.verified, .withdrawn, .closed])
            if let nik = nik?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
                open = open.filter(\.$nik == nik)
            } else {
                open = open.filter(\.$email == (email ?? "").trimmingCharacters(in: .whitespaces).lowercased())
            }
            if try await open.count() > 0 { return .waitingForVerification }
            // a registration an application started: the invitation lives seven days
            guard nik?.trimmingCharacters(in: .whitespaces).nilIfEmpty == nil, let address = email?.trimmingCharacters(in: .whitespaces).lowercased() else {
                return .notRegistered
            }
            let invited = try await RegistrationInvitationModel.query(on: database).filter(\.$agency.$id == key.$agency.id)
                .filter(\.$email == address).filter(\.$expiresAt > now).count()
            return invited > 0 ? .waitingForVerification : .notRegistered
        }
    }

    /// The status of an account already found (by ``signer(nik:email:key:)``).
    func status(of user: UserModel) async throws -> SignerStatus {
        let now = services.clock.now
        let certificates = try await CertificateModel.query(on: database).filter(\.$holder.$id == user.id!)
            .sort(\.$requestedAt, .descending).all()
        return SignerStatus.of(.init(
            hasAccount: true, accountActive: user.isActive, identityVerified: user.identityVerifiedAt != nil,
            reverificationPending: user.reverificationRequired, signingLocked: (user.signingLockedUntil ?? .distantPast) > now,
            certificates: certificates.map { .init(status: $0.status, keyKeptByAMS: $0.wrappedKey != nil, notAfter: $0.notAfter) }), at: now)
    }

    /// Keeps a signed document for `key`'s one download; returns its `id_dokumen`.
    func keep(_ signed: SigningService.Signed, for key: APIKeyModel) async throws -> UUID {
        let row = SignedDownloadModel()
        row.id = UUID()
        row.$key.id = key.id!
        row.name = signed.name
        row.document = Data(signed.bytes)
        row.createdAt = services.clock.now
        row.expiresAt = row.createdAt.addingTimeInterval(SignedDownloadModel.lifetime)
        try await row.create(on: database)
        return row.id!
    }

    /// The kept document, handed out once: it is deleted in the same step (two downloads cannot both get it).
    func take(_ id: UUID, for key: APIKeyModel) async throws -> SignedDownloadModel {
        let now = services.clock.now
        return try await WriteTransaction.run(on: database) { db in
            guard let row = try await SignedDownloadModel.query(on: db).filter(\.$id == id).filter(\.$key.$id == key.id!)
                .filter(\.$expiresAt > now).first() else { throw ESignError.downloadGone }
            try await SignedDownloadModel.query(on: db).filter(\.$id == id).delete()
            return row
        }
    }

    /// Downloads deleted per transaction by ``prune()``.
    static let pruneBatchSize = 1_000

    /// Deletes downloads whose ten minutes are over (returns how many) and call counts older than an hour (the
    /// housekeeping pass).
    func prune() async throws -> Int {
        let now = services.clock.now
        let expired = try await BatchedDelete(table: SignedDownloadModel.schema, condition: "expires_at <= \(bind: now)",
                                              batchSize: Self.pruneBatchSize).run(on: database)
        try await (database as! any SQLDatabase).delete(from: "api_call_counts")
            .where("minute", .lessThan, Int64(now.timeIntervalSince1970 / 60) - 60).run()
        return expired
    }

    /// v2's registration: SOP step 1 is the applicant's own request with the recommendation letter and the job decree,
    /// which this call does not carry — so it starts the registration as an invitation: stored (token hashed, seven
    /// days), mailed to the person with a link that opens the request form with their name, address and agency filled
    /// in, and audited. An address outside the agency's mail domains is refused.
    func invite(name: String, email: String, key: APIKeyModel, context: AuditContext) async throws {
        guard let cleanName = RegistrationService.plainText(name, range: 2...128) else { throw ESignError.invalid("nama: give the person's full name.") }
        guard let address = EmailAddress(email.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ESignError.invalid("email: give a valid e-mail address.")
        }
        guard let agency = try await AgencyModel.query(on: database).filter(\.$id == key.$agency.id).with(\.$domains).first() else {
            throw ESignError.internalError
        }
        guard agency.domains.compactMap({ EmailDomain($0.domain) }).contains(where: { address.belongs(to: $0) }) else {
            throw ESignError.invalid("email: \(address.value) is not in the agency's official mail domains.")
        }
        let token = services.newToken()
        let invitation = RegistrationInvitationModel()
        invitation.$agency.id = agency.id!
        invitation.$key.id = key.id!
        invitation.fullName = cleanName
        invitation.email = address.value
        invitation.tokenHash = TokenDigest.hex(token.value)
        invitation.createdAt = services.clock.now
        invitation.expiresAt = invitation.createdAt.addingTimeInterval(RegistrationInvitationModel.lifetime)
        let link = services.configuration.publicBaseURL + "/register?invitation=" + token.value
        let mail = services.mail.compose(to: address.value, name: cleanName, locale: .default, template: "registration_invitation",
                                         arguments: ["agency": agency.name, "link": link, "application": key.name, "days": "7"])
        try await WriteTransaction.run(on: database) { [services] db in
            try await invitation.create(on: db)
            try await services.audit.append(.registrationInvited, context: context, targetType: "agency", targetID: agency.id!.uuidString,
                                            details: ["application": key.name], on: db)
            try await services.outbox.enqueue(mail, context: context, on: db)
        }
    }

    /// The live invitation behind a link's token, if any (the form fills itself from it).
    static func invitation(token: String, on database: any Database, now: Date) async throws -> RegistrationInvitationModel? {
        guard SecureToken.isWellFormed(token) else { return nil }
        return try await RegistrationInvitationModel.query(on: database).filter(\.$tokenHash == TokenDigest.hex(token))
            .filter(\.$expiresAt > now).first()
    }
}
