import AMSCore
import Fluent
import Vapor

/// Administrators create staff accounts (SOP step 5 for operators and auditors), change roles, disable accounts
/// and send new initial passwords.
struct AdminUserController: RouteCollection {
    static let pageSize = 25

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin", "users")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canManageAccounts(actor: $0) })
        admin.get(use: list)
        admin.get("new", use: showNew)
        admin.post(use: create)
        admin.get(":userID", use: detail)
        admin.post(":userID", "role", use: changeRole)
        admin.post(":userID", "disable", use: disable)
        admin.post(":userID", "enable", use: enable)
        admin.post(":userID", "reissue", use: reissue)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let text = req.searchText(limit: 100)
        let roleFilter = req.query[String.self, at: "role"].flatMap(Role.init(rawValue:))
        var query = UserModel.query(on: req.db).with(\.$agency)
        if !text.isEmpty {
            let pattern = text.lowercased()
            query = query.group(.or) {
                $0.filter(\.$username ~~ pattern).filter(\.$email ~~ pattern).filter(\.$fullName ~~ text)
            }
        }
        if let roleFilter { query = query.filter(\.$role == roleFilter) }
        let total = try await query.count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: Self.pageSize, total: total,
                                    baseQuery: ["q": text, "role": roleFilter?.rawValue ?? ""])
        let users = try await query.sort(\.$username).range(pagination.offset..<(pagination.offset + Self.pageSize)).all()
        let roles = [SelectOption(value: "", label: req.localized("users_all_roles"), selected: roleFilter == nil)]
            + Role.allCases.map { SelectOption(value: $0.rawValue, label: req.localized("role_\($0.rawValue)"), selected: $0 == roleFilter) }
        return try await req.renderPage("admin-users", titleKey: "users_title",
                                        page: ListPage(users: users.map { row($0, on: req) }, query: text, roles: roles,
                                                       pagination: pagination))
    }

    @Sendable func showNew(req: Request) async throws -> Response {
        try await renderNew(req, form: ["locale": req.locale.rawValue], errors: FormErrors(), status: .ok)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(UserForm.self)
        let fields: [String: String] = [
            "username": form.username.clipped(FieldLimit.identifier), "email": form.email.clipped(FieldLimit.email),
            "fullName": form.fullName.clipped(FieldLimit.personName), "nik": form.nik.clipped(FieldLimit.nik),
            "role": form.role ?? "", "agencyID": form.agencyID ?? "", "locale": form.locale ?? "id",
        ]
        guard let role = Role(rawValue: fields["role"]!), Permissions.canCreateAccount(actor: try req.requireUser().actor, role: role) else {
            return try await renderNew(req, form: fields, errors: FormErrors(fields: ["role": req.localized("error_invalid_role")],
                                                                            summary: req.localized("error_form_has_errors")),
                                       status: .unprocessableEntity)
        }
        let input = AccountService.AccountInput(username: fields["username"]!, email: fields["email"]!, fullName: fields["fullName"]!,
                                                nik: fields["nik"], role: role.rawValue, agencyID: fields["agencyID"],
                                                locale: AppLocale(rawValue: fields["locale"]!) ?? .default)
        do {
            _ = try await AccountService(services: req.ams, database: req.db).createAccount(input, context: req.auditContext)
            return req.redirect(to: "/admin/users?notice=user_created")
        } catch let invalid as ValidationError {
            let errors = req.formErrors(invalid)
            return try await renderNew(req, form: fields, errors: errors, status: .unprocessableEntity)
        }
    }

    private func renderNew(_ req: Request, form: [String: String], errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let roles = Role.allCases.filter { $0 != .applicant }.map {
            SelectOption(value: $0.rawValue, label: req.localized("role_\($0.rawValue)"), selected: form["role"] == $0.rawValue)
        }
        let locales = AppLocale.allCases.map {
            SelectOption(value: $0.rawValue, label: $0 == .id ? "Bahasa Indonesia" : "English", selected: form["locale"] == $0.rawValue)
        }
        return try await req.renderPage("admin-user-new", titleKey: "users_new",
                                        page: NewPage(form: form, roles: roles, agencies: try await agencyOptions(req, selected: form["agencyID"]),
                                                      locales: locales, errors: errors), status: status)
    }

    private func agencyOptions(_ req: Request, selected: String?) async throws -> [SelectOption] {
        let agencies = try await AgencyModel.query(on: req.db).sort(\.$name).all()
        return [SelectOption(value: "", label: req.localized("users_no_agency"), selected: (selected ?? "").isEmpty)]
            + agencies.map { SelectOption(value: $0.id!.uuidString, label: "\($0.name) (\($0.code))", selected: selected == $0.id!.uuidString) }
    }

    private func row(_ user: UserModel, on req: Request) -> UserRow {
        UserRow(id: user.id!.uuidString, username: user.username, fullName: user.fullName, email: user.email,
                roleLabel: req.localized("role_\(user.role.rawValue)"), agency: user.agency?.name ?? "",
                isActive: user.isActive, initialPending: user.passwordIsInitial)
    }

    private func target(_ req: Request) async throws -> UserModel {
        guard let id = req.parameters.get("userID", as: UUID.self),
              let user = try await UserModel.query(on: req.db).filter(\.$id == id).with(\.$agency).first()
        else { throw DomainError.notFound }
        return user
    }

    @Sendable func detail(req: Request) async throws -> Response {
        try await renderDetail(req, user: try await target(req), errors: FormErrors(), status: .ok)
    }

    private func renderDetail(_ req: Request, user: UserModel, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let roles = Role.allCases.map { SelectOption(value: $0.rawValue, label: req.localized("role_\($0.rawValue)"), selected: $0 == user.role) }
        let page = DetailPage(user: row(user, on: req), roles: roles,
                              agencies: try await agencyOptions(req, selected: user.$agency.id?.uuidString),
                              isSelf: user.id == req.signedInUser?.id, errors: errors)
        return try await req.renderPage("admin-user", titleKey: "users_title", page: page, status: status)
    }

    @Sendable func changeRole(req: Request) async throws -> Response {
        let user = try await target(req)
        let form = try req.content.decode(RoleForm.self)
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            return try await renderDetail(req, user: user, errors: FormErrors(fields: ["role": req.localized("error_invalid_role")]),
                                          status: .unprocessableEntity)
        }
        let agencyID = form.agencyID.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        return try await administer(req, user: user, notice: "role_changed") { service, actor in
            try await service.changeRole(of: user, to: role, agencyID: agencyID, actor: actor, context: req.auditContext)
        }
    }

    @Sendable func disable(req: Request) async throws -> Response {
        let user = try await target(req)
        return try await administer(req, user: user, notice: "user_disabled") { service, actor in
            try await service.setActive(false, user: user, actor: actor, context: req.auditContext)
        }
    }

    @Sendable func enable(req: Request) async throws -> Response {
        let user = try await target(req)
        return try await administer(req, user: user, notice: "user_enabled") { service, actor in
            try await service.setActive(true, user: user, actor: actor, context: req.auditContext)
        }
    }

    @Sendable func reissue(req: Request) async throws -> Response {
        let user = try await target(req)
        return try await administer(req, user: user, notice: "initial_reissued") { service, _ in
            try await service.reissueInitialPassword(for: user, context: req.auditContext)
        }
    }

    private func administer(_ req: Request, user: UserModel, notice: String,
                            _ operation: (AccountService, UserModel) async throws -> Void) async throws -> Response {
        let actor = try req.requireUser()
        do {
            try await operation(AccountService(services: req.ams, database: req.db), actor)
            return req.redirect(to: "/admin/users/\(user.id!.uuidString)?notice=\(notice)")
        } catch let invalid as ValidationError {
            var errors = req.formErrors(invalid)
            errors.summary = invalid.fields.values.first.map { req.localized($0.key, $0.arguments) }
            return try await renderDetail(req, user: user, errors: errors, status: .unprocessableEntity)
        }
    }
}
