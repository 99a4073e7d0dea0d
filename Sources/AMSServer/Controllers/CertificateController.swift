import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// Certificates in the web UI: list and search (holders their own, agency operators their agency's, CA operators
/// all), requests with a passphrase-protected key or a CSR, the CA operators' approval, downloads, revocation,
/// renewal and the forgotten-passphrase replacement.
struct CertificateController: RouteCollection {
    static let pageSize = 25
    /// A CSR file is at most 16 KB; the multipart form around it a little more.
    static let formLimit = 64 * 1024

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(RequireSignedInMiddleware())
        let certificates = signedIn.grouped("certificates")
        certificates.get(use: list)
        let holders = certificates.grouped(RequirePermissionMiddleware { Permissions.canRequestCertificate(actor: $0) })
        holders.get("new", use: showNew)
        holders.on(.POST, "new", bodyLimit: Self.formLimit, use: submitNew)
        certificates.get(":certificateID", use: detail)
        certificates.get(":certificateID", "download", ":file", use: download)
        certificates.on(.POST, "approve", bodyLimit: Self.formLimit, use: approveSelected)
        certificates.post(":certificateID", "approve", use: approve)
        certificates.post(":certificateID", "reject", use: reject)
        certificates.post(":certificateID", "revoke", use: revoke)
        holders.get(":certificateID", "renew", use: showRenew)
        holders.on(.POST, ":certificateID", "renew", bodyLimit: Self.formLimit, use: submitRenew)
        holders.post(":certificateID", "replace", use: replace)
        holders.post(":certificateID", "confirm", use: confirmByHolder)
        holders.post(":certificateID", "decline", use: declineByHolder)
    }

    /// The certificates `user` may see.
    static func visible(to user: UserModel, on db: any Database) -> QueryBuilder<CertificateModel> {
        VisibilityScope.certificates(for: user.actor).certificates(on: db)
    }

    func load(_ req: Request) async throws -> (CertificateModel, UserModel) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("certificateID", as: UUID.self),
              let record = try await Self.visible(to: user, on: req.db).filter(\.$id == id).with(\.$holder).first(),
              Permissions.canViewCertificate(actor: user.actor, holderID: record.$holder.id, holderAgencyID: record.$agency.id) else {
            throw DomainError.notFound
        }
        return (record, user)
    }

    func service(_ req: Request) -> CertificateService {
        CertificateService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }
}
