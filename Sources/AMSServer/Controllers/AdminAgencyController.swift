import AMSCore
import Fluent
import Vapor

/// Administrators list and create agencies (instansi) with their official e-mail domains.
struct AdminAgencyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin", "agencies")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canManageAgencies(actor: $0) })
        admin.get(use: list)
        admin.get("new", use: showNew)
        admin.post(use: create)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let agencies = try await AgencyModel.query(on: req.db).with(\.$domains).sort(\.$code).all()
        var rows: [AgencyRow] = []
        for agency in agencies {
            let users = try await UserModel.query(on: req.db).filter(\.$agency.$id == agency.id!).count()
            rows.append(AgencyRow(code: agency.code, name: agency.name,
                                  domains: agency.domains.map(\.domain).sorted().joined(separator: ", "), userCount: users))
        }
        return try await req.renderPage("admin-agencies", titleKey: "agencies_title", page: ListPage(agencies: rows))
    }

    @Sendable func showNew(req: Request) async throws -> Response {
        try await req.renderPage("admin-agency-new", titleKey: "agencies_new",
                                 page: NewPage(code: "", name: "", domains: "", errors: FormErrors()))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(AgencyForm.self)
        let input = AgencyService.AgencyInput(code: form.code.clipped(FieldLimit.agencyCode), name: form.name.clipped(FieldLimit.agencyName),
                                              domains: form.domains.clipped(FieldLimit.agencyDomains))
        do {
            _ = try await AgencyService(services: req.ams, database: req.db).create(input, context: req.auditContext)
            return req.redirect(to: "/admin/agencies?notice=agency_created")
        } catch let invalid as ValidationError {
            let errors = req.formErrors(invalid)
            return try await req.renderPage("admin-agency-new", titleKey: "agencies_new",
                                            page: NewPage(code: input.code, name: input.name, domains: input.domains, errors: errors),
                                            status: .unprocessableEntity)
        }
    }
}
