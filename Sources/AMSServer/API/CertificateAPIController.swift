import AMSCore
import AMSPKI
import Fluent
import Vapor

/// `/api/v1/certificates`: an agency system requests certificates for its verified holders (with a CSR, or with a
/// passphrase under which AMS wraps the key it generates), lists and reads them, and revokes them, all scoped to
/// the API key's agency.
struct CertificateAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1", "certificates").grouped(APIKeyAuthenticator())
        api.get(use: list)
        api.on(.POST, bodyLimit: 64 * 1024, use: create)
        api.get(":certificateID", use: read)
        api.post(":certificateID", "revoke", use: revoke)
    }

    static func summary(_ record: CertificateModel) -> Summary {
        Summary(id: record.id!, holder: record.$holder.value?.username ?? "", status: record.status, method: record.method,
                version: record.version, subject: record.subject, serial: record.serialHex, keyAlgorithm: record.keyAlgorithm,
                requestedAt: record.requestedAt, notBefore: record.notBefore, notAfter: record.notAfter, revokedAt: record.revokedAt,
                revocationReason: record.status == .revoked ? (record.revocationReason.flatMap(RevocationReason.init(rawValue:)) ?? .unspecified).name : nil,
                certificatePEM: record.certificateDER.map { PEM.encode(Array($0), label: "CERTIFICATE") })
    }

    func service(_ req: Request) -> CertificateService {
        CertificateService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }

    @Sendable func list(req: Request) async throws -> Page {
        let key = try APIKeyAuthenticator.client(req)
        var query = CertificateModel.query(on: req.db).filter(\.$agency.$id == key.$agency.id).with(\.$holder)
        if let status = req.query[String.self, at: "status"] {
            guard let parsed = CertificateStatus(rawValue: status) else { throw DomainError(.invalidStatus, "unknown status") }
            query = query.filter(\.$status == parsed)
        }
        if let holder = req.query[String.self, at: "holder"] {
            let ids = try await UserModel.query(on: req.db).filter(\.$username == holder).all().compactMap(\.id)
            query = query.filter(\.$holder.$id ~~ ids)
        }
        let total = try await query.count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: 50, total: total, baseQuery: [:])
        let items = try await query.sort(\.$requestedAt).range(pagination.offset..<(pagination.offset + 50)).all()
        return Page(items: items.map(Self.summary), page: pagination.page, pageCount: pagination.pageCount, total: total)
    }

    private func load(_ req: Request) async throws -> (CertificateModel, APIKeyModel) {
        let key = try APIKeyAuthenticator.client(req)
        guard let id = req.parameters.get("certificateID", as: UUID.self),
              let record = try await CertificateModel.query(on: req.db).filter(\.$id == id).filter(\.$agency.$id == key.$agency.id)
                .with(\.$holder).first() else { throw DomainError.notFound }
        return (record, key)
    }

    @Sendable func read(req: Request) async throws -> Summary {
        Self.summary(try await load(req).0)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let key = try APIKeyAuthenticator.client(req)
        let body = try req.content.decode(CreateBody.self)
        guard let holder = try await UserModel.query(on: req.db).filter(\.$username == String(body.holder.prefix(FieldLimit.identifier)))
            .filter(\.$agency.$id == key.$agency.id).filter(\.$role == .applicant).first() else {
            throw ValidationError(["holder": "error_unknown_holder"])
        }
        let source: CertificateService.KeySource
        switch (body.csr, body.passphrase) {
        case (let csr?, nil): source = .csr(Array(csr.utf8))
        case (nil, let passphrase?): source = .passphrase(passphrase, confirmation: passphrase)
        default:
            throw ValidationError(["csr": "error_key_source"])
        }
        // the application only starts it: the holder confirms it, signed in and re-entering their password
        let record = try await service(req).request(holder: holder, source: source, origin: .agencyApplication(name: key.name),
                                                    context: req.auditContext.actingAsAPI(key))
        record.$holder.value = holder
        let response = try await Self.summary(record).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/certificates/\(record.id!.uuidString)")
        return response
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let (record, key) = try await load(req)
        let body = try req.content.decode(RevokeBody.self)
        guard let reason = RevocationReason(name: body.reason) else {
            throw ValidationError(["reason": "error_revocation_reason"])
        }
        try await service(req).revoke(record, reason: reason, invalidityDate: body.invalidityDate, actor: key.actor, revokerUserID: nil,
                                      context: req.auditContext.actingAsAPI(key))
        let (fresh, _) = try await load(req)
        return try await Self.summary(fresh).encodeResponse(status: .ok, for: req)
    }
}
