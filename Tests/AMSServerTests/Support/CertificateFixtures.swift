@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import X509

/// The CA, verified holders and issued certificates, for the certificate tests.
extension TestApp {
    static let passphrase = "kopi tubruk di pagi hari"

    /// Creates the CA hierarchy as the first start would.
    @discardableResult
    func certificateAuthority() async throws -> LoadedAuthorities {
        try await CertificateAuthoritySetup(services: services)
            .initialize(settings: services.configuration.certificates, context: .system("test"), on: db)
        return try await services.caKeys.current(on: db)
    }

    /// An applicant whose identity was verified (as SOP step 4 leaves it).
    func verifiedHolder(_ username: String = "199005052015032001", agency: AgencyModel, fullName: String = "Siti Rahmawati",
                        unit: String = "Bidang Persandian") async throws -> UserModel {
        let holder = try await user(username, role: .applicant, agency: agency)
        holder.fullName = fullName
        holder.position = "Pranata Komputer"
        holder.unit = unit
        holder.identityVerifiedAt = clock.now
        try await holder.save(on: db)
        return holder
    }

    func certificateService() -> CertificateService {
        CertificateService(services: services, database: db, threadPool: app.threadPool)
    }

    /// A certificate requested with a passphrase and approved by `approver`, through the service.
    func issuedCertificate(for holder: UserModel, approver: UserModel) async throws -> CertificateModel {
        let service = certificateService()
        let record = try await service.request(holder: holder, source: .passphrase(Self.passphrase, confirmation: Self.passphrase),
                                               context: .system("test"))
        if record.status == .issued { return record }
        return try await service.approve(record, expectedVersion: record.version, by: approver, context: .system("test"))
    }

    func record(_ id: UUID?) async throws -> CertificateModel {
        try #require(try await CertificateModel.find(id, on: db))
    }
}
