import AMSCore
import Fluent
import Vapor

/// Administrators list, create and edit agencies (instansi): official e-mail domains, and the name certificates carry.
struct AdminAgencyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin", "agencies")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canManageAgencies(actor: $0) })
        admin.get(use: list)
        admin.get("new", use: showNew)
        admin.post(use: create)
        admin.get(":agencyID", use: showEdit)
        admin.post(":agencyID", use: update)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let agencies = try await AgencyModel.query(on: req.db).with(\.$domains).sort(\.$code).all()
        var rows: [AgencyRow] = []
        for agency in agencies {
            let users = try await UserModel.query(on: req.db).filter(\.$agency.$id == agency.id!).count()
            rows.append(AgencyRow(id: agency.id!.uuidString, code: agency.code, name: agency.name, certificateName: agency.nameInCertificates,
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
                                              domains: form.domains.clipped(FieldLimit.agencyDomains),
                                              certificateName: form.certificateName.clipped(FieldLimit.agencyName),
                                              timeZone: form.timeZone.clipped(FieldLimit.identifier))
        do {
            _ = try await AgencyService(services: req.ams, database: req.db).create(input, context: req.auditContext)
            return req.redirect(to: "/admin/agencies?notice=agency_created")
        } catch let invalid as ValidationError {
            let errors = req.formErrors(invalid)
            return try await req.renderPage("admin-agency-new", titleKey: "agencies_new",
                                            page: NewPage(code: input.code, name: input.name, domains: input.domains,
                                                          certificateName: input.certificateName,
                                                          timeZones: NewPage.zones(selected: AgencyTimeZone(named: input.timeZone) ?? .default),
                                                          errors: errors),
                                            status: .unprocessableEntity)
        }
    }

    private func agency(_ req: Request) async throws -> AgencyModel {
        guard let id = req.parameters.get("agencyID", as: UUID.self),
              let agency = try await AgencyModel.query(on: req.db).filter(\.$id == id).with(\.$domains).first() else { throw DomainError.notFound }
        return agency
    }

    @Sendable func showEdit(req: Request) async throws -> Response {
        let agency = try await agency(req)
        return try await req.renderPage("admin-agency-new", titleKey: "agencies_edit", page: NewPage(
            code: agency.code, name: agency.name, domains: agency.domains.map(\.domain).sorted().joined(separator: ", "),
            certificateName: agency.certificateName ?? "", timeZones: NewPage.zones(selected: agency.timeZone),
            action: "/admin/agencies/\(agency.id!.uuidString)", editing: true, errors: FormErrors()))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let agency = try await agency(req)
        let form = try req.content.decode(AgencyForm.self)
        let (name, certificateName) = (form.name.clipped(FieldLimit.agencyName), form.certificateName.clipped(FieldLimit.agencyName))
        let zone = form.timeZone.clipped(FieldLimit.identifier)
        do {
            try await AgencyService(services: req.ams, database: req.db).update(agency, name: name, certificateName: certificateName,
                                                                                 timeZone: zone, context: req.auditContext)
            return req.redirect(to: "/admin/agencies?notice=agency_updated")
        } catch let invalid as ValidationError {
            return try await req.renderPage("admin-agency-new", titleKey: "agencies_edit", page: NewPage(
                code: agency.code, name: name, domains: agency.domains.map(\.domain).sorted().joined(separator: ", "),
                certificateName: certificateName, timeZones: NewPage.zones(selected: AgencyTimeZone(named: zone) ?? agency.timeZone),
                action: "/admin/agencies/\(agency.id!.uuidString)", editing: true,
                errors: req.formErrors(invalid)), status: .unprocessableEntity)
        }
    }
}
