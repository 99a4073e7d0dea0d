import AMSCore
import AMSPKI
import Fluent
import Vapor
import X509

/// Administrators add the roots verification trusts besides AMS's own (e.g. the national root CA) and remove them.
/// Only CA certificates (basic constraints: CA) are accepted, each once.
struct AdminTrustAnchorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let anchors = routes.grouped("admin", "trust-anchors")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canManageAgencies(actor: $0) })
        anchors.get(use: list)
        anchors.on(.POST, bodyLimit: 64 * 1024, use: add)
        anchors.post(":anchorID", "remove", use: remove)
    }

    func render(_ req: Request, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let anchors = try await TrustAnchorModel.query(on: req.db).sort(\.$createdAt).all()
        return try await req.renderPage("admin-trust-anchors", titleKey: "anchors_title", page: AnchorsPage(anchors: anchors.map {
            AnchorsPage.Row(id: $0.id!.uuidString, subject: $0.subject, sha256: $0.sha256,
                            createdAt: DisplayFormat.timestamp($0.createdAt, in: req.readerTimeZone))
        }, errors: errors), status: status)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, errors: FormErrors(), status: .ok)
    }

    @Sendable func add(req: Request) async throws -> Response {
        let form = try req.content.decode(AddForm.self)
        let uploaded = form.file.map { Array($0.data.readableBytesView) } ?? []
        let text = (form.pem ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let certificate: Certificate? = if !text.isEmpty { try? Certificate(pemEncoded: text) }
            else if let pem = String(bytes: uploaded, encoding: .utf8), pem.contains("-----BEGIN CERTIFICATE-----") { try? Certificate(pemEncoded: pem) }
            else { try? Certificate(derEncoded: uploaded) }
        func refuse(_ key: String) async throws -> Response {
            try await render(req, errors: FormErrors(fields: ["pem": req.localized(key)], summary: req.localized("error_form_has_errors")),
                             status: .unprocessableEntity)
        }
        guard let certificate else { return try await refuse("error_anchor_not_certificate") }
        guard (try? certificate.extensions.basicConstraints).flatMap({ $0 }).map({ if case .isCertificateAuthority = $0 { true } else { false } }) == true else {
            return try await refuse("error_anchor_not_ca")
        }
        let der = try certificate.derBytes
        let fingerprint = TokenDigest.sha256Hex(der)
        guard try await TrustAnchorModel.query(on: req.db).filter(\.$sha256 == fingerprint).count() == 0 else {
            return try await refuse("error_anchor_duplicate")
        }
        let row = TrustAnchorModel()
        row.subject = String(describing: certificate.subject)
        row.certificateDER = Data(der)
        row.sha256 = fingerprint
        row.createdAt = req.ams.clock.now
        row.createdByID = req.signedInUser?.id
        let context = req.auditContext
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            try await row.create(on: db)
            try await services.audit.append(.trustAnchorAdded, context: context, targetType: "trust_anchor", targetID: row.id!.uuidString,
                                            details: ["subject": row.subject, "sha256": fingerprint], on: db)
        }
        return req.redirect(to: "/admin/trust-anchors?notice=anchor_added")
    }

    @Sendable func remove(req: Request) async throws -> Response {
        guard let id = req.parameters.get("anchorID", as: UUID.self), let row = try await TrustAnchorModel.find(id, on: req.db) else {
            throw DomainError.notFound
        }
        let context = req.auditContext
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            try await row.delete(on: db)
            try await services.audit.append(.trustAnchorRemoved, context: context, targetType: "trust_anchor", targetID: id.uuidString,
                                            details: ["subject": row.subject, "sha256": row.sha256], on: db)
        }
        return req.redirect(to: "/admin/trust-anchors?notice=anchor_removed")
    }
}
