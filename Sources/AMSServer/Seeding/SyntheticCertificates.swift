import AMSCore
import AMSPKI
import Fluent
import Foundation
import X509

/// Certificates made up in bulk for trying AMS at national size: one holder account per certificate, requested over
/// the past year, signed for real by the installation's issuing CA (so OCSP, CRLs and downloads work on them), one
/// in twenty revoked. No mail and no per-certificate audit entry: the seed itself is audited once.
package struct SyntheticCertificates {
    package let services: AMSServices
    package let agencyIDs: [UUID]
    package let now: Date

    package init(services: AMSServices, agencyIDs: [UUID], now: Date) {
        self.services = services
        self.agencyIDs = agencyIDs
        self.now = now
    }

    /// Appends `count` holders and their certificates (numbered from `first`).
    package func append(_ count: Int, first: Int = 0, on database: any Database, progress: (Int) -> Void = { _ in }) async throws {
        let loaded = try await services.caKeys.current(on: database)
        let profile = services.certificateProfile
        let endpoints = services.pkiEndpoints
        let agencies = Dictionary(uniqueKeysWithValues: try await AgencyModel.query(on: database).filter(\.$id ~~ agencyIDs).all()
            .map { ($0.id!, $0.name) })
        // the holders' keys are not the point: a few, shared
        let keys = try (0..<8).map { _ in try SigningKey.generate(.p256).publicKey }
        var random = SeedSequence(UInt64(first) &+ 7)
        var made = 0
        while made < count {
            var users: [UserModel] = []
            var records: [CertificateModel] = []
            for index in (first + made)..<(first + min(made + 1000, count)) {
                let agencyID = agencyIDs[index % agencyIDs.count]
                let given = SyntheticRegistrations.givenNames[random.below(SyntheticRegistrations.givenNames.count)]
                let surname = SyntheticRegistrations.surnames[random.below(SyntheticRegistrations.surnames.count)]
                let requested = now.addingTimeInterval(-Double(random.below(365 * 86_400)) - 3600)
                let user = UserModel(id: TimeOrderedUUID.make(at: requested, random: random.bytes(10)), username: "pemegang\(index)",
                                     email: "pemegang\(index)@instansi.go.id", fullName: "\(given) \(surname)",
                                     nik: SyntheticRegistrations.nik(index, &random), role: .applicant,
                                     agencyID: agencyID, passwordHash: "-", passwordIsInitial: false, initialPasswordExpiresAt: nil,
                                     locale: "id", now: requested)
                user.position = "Analis Kebijakan"
                user.unit = "Bidang \(random.below(12) + 1)"
                user.identityVerifiedAt = requested
                users.append(user)
                let identity = HolderIdentity(fullName: user.fullName, email: user.email, agencyName: agencies[agencyID] ?? "Instansi",
                                              unit: user.unit, nik: user.nik)
                let key = keys[index % keys.count]
                let serial = services.serials.next()
                let notBefore = max(requested.addingTimeInterval(600), loaded.issuing.certificate.notValidBefore)
                let certificate = try loaded.issuing.issue(profile, serial: serial, publicKey: key, identity: identity,
                                                           notBefore: notBefore, endpoints: endpoints)
                let record = CertificateModel()
                record.id = TimeOrderedUUID.make(at: requested, random: random.bytes(10))
                record.$holder.id = user.id!
                record.$agency.id = agencyID
                record.status = index % 20 == 19 ? .revoked : .issued
                record.method = .csr
                record.profile = profile.name
                record.version = 3
                record.subject = try profile.subjectText(for: identity)
                record.email = user.email
                record.keyAlgorithm = KeyAlgorithm.p256.rawValue
                record.publicKey = Data(try key.derBytes)
                record.serialHex = serial.hexString
                record.$issuer.id = loaded.issuingID
                record.certificateDER = Data(try certificate.derBytes)
                record.notBefore = certificate.notValidBefore
                record.notAfter = certificate.notValidAfter
                record.requestedAt = requested
                record.requestedVia = "web"
                record.requestedBy = user.username
                record.issuedAt = notBefore
                if record.status == .revoked {
                    record.revokedAt = notBefore.addingTimeInterval(86_400)
                    record.revocationReason = RevocationReason.keyCompromise.rawValue
                }
                record.reminderStage = 0
                record.updatedAt = notBefore
                records.append(record)
            }
            try await WriteTransaction.run(on: database) { [users, records] db in
                try await users.create(on: db)
                try await records.create(on: db)
            }
            made += records.count
            progress(made)
        }
    }
}
