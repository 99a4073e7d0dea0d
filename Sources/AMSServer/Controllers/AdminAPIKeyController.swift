import AMSCore
import Fluent
import Vapor

/// Administrators issue and revoke agency API keys. A key is shown in clear once, right after it is made.
struct AdminAPIKeyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keys = routes.grouped("admin", "api-keys")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canManageAgencies(actor: $0) })
        keys.get(use: list)
        keys.post(use: create)
        keys.post(":keyID", "revoke", use: revoke)
        keys.post(":keyID", "switch", use: toggle)
    }

    private func render(_ req: Request, newKey: NewKey?, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let keys = try await APIKeyModel.query(on: req.db).with(\.$agency).sort(\.$createdAt, .descending).all()
        let agencies = try await AgencyModel.query(on: req.db).sort(\.$name).all()
        let page = ListPage(keys: keys.map {
            KeyRow(id: $0.id!.uuidString, name: $0.name, agency: $0.agency.name, prefix: $0.keyPrefix,
                   createdAt: DisplayFormat.timestamp($0.createdAt, in: req.readerTimeZone),
                   lastUsedAt: $0.lastUsedAt.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) },
                   revoked: $0.revokedAt != nil, disabled: $0.disabledAt != nil,
                   addresses: $0.allowedAddresses?.nilIfEmpty ?? req.localized("apikeys_any_address"),
                   perMinute: $0.requestsPerMinute ?? APIKeyModel.defaultRequestsPerMinute)
        }, agencies: agencies.map { SelectOption(value: $0.id!.uuidString, label: $0.name) }, newKey: newKey, errors: errors)
        return try await req.renderPage("admin-api-keys", titleKey: "apikeys_title", page: page, status: status)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, newKey: nil, errors: FormErrors(), status: .ok)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        let name = RegistrationService.plainText(form.name ?? "", range: 2...80)
        let agency = try await form.agencyID.flatMap(UUID.init(uuidString:)).asyncMap { try await AgencyModel.find($0, on: req.db) } ?? nil
        let addresses = (form.allowedAddresses ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let perMinute = (form.requestsPerMinute ?? "").isEmpty ? APIKeyModel.defaultRequestsPerMinute : Int(form.requestsPerMinute ?? "")
        guard let name, let agency, addresses.count <= 1000, AddressAllowList(addresses) != nil, let perMinute, (1...100_000).contains(perMinute) else {
            var errors = FormErrors(summary: req.localized("error_form_has_errors"))
            if name == nil { errors.fields["name"] = req.localized("error_invalid_text") }
            if agency == nil { errors.fields["agencyID"] = req.localized("error_invalid_agency") }
            if addresses.count > 1000 || AddressAllowList(addresses) == nil { errors.fields["allowedAddresses"] = req.localized("error_apikeys_addresses") }
            if perMinute.map({ !(1...100_000).contains($0) }) ?? true { errors.fields["requestsPerMinute"] = req.localized("error_apikeys_rate") }
            return try await render(req, newKey: nil, errors: errors, status: .unprocessableEntity)
        }
        let clear = APIKeyModel.clearPrefix + req.ams.newToken().value
        let key = APIKeyModel(agencyID: agency.id!, name: name, keyPrefix: String(clear.prefix(10)), keyHash: TokenDigest.hex(clear),
                              createdAt: req.ams.clock.now, createdByID: req.signedInUser?.id)
        key.allowedAddresses = addresses.nilIfEmpty
        key.requestsPerMinute = perMinute
        let context = req.auditContext
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            try await key.create(on: db)
            try await services.audit.append(.apiKeyCreated, context: context, targetType: "api_key", targetID: key.id!.uuidString,
                                            details: ["agency": agency.code, "name": name, "prefix": key.keyPrefix,
                                                      "addresses": addresses, "per_minute": String(perMinute)], on: db)
        }
        return try await render(req, newKey: NewKey(key: clear, basicUser: key.keyPrefix), errors: FormErrors(), status: .created)
    }

    /// Switches a key off (its calls get 401) or on again; a revoked key stays revoked.
    @Sendable func toggle(req: Request) async throws -> Response {
        guard let id = req.parameters.get("keyID", as: UUID.self), let key = try await APIKeyModel.find(id, on: req.db), key.revokedAt == nil else {
            throw DomainError.notFound
        }
        let context = req.auditContext
        let now = req.ams.clock.now
        let switchingOff = key.disabledAt == nil
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            key.disabledAt = switchingOff ? now : nil
            try await key.update(on: db)
            try await services.audit.append(switchingOff ? .apiKeyDisabled : .apiKeyEnabled, context: context, targetType: "api_key",
                                            targetID: key.id!.uuidString, details: ["name": key.name, "prefix": key.keyPrefix], on: db)
        }
        return req.redirect(to: "/admin/api-keys?notice=" + (switchingOff ? "apikey_disabled" : "apikey_enabled"))
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("keyID", as: UUID.self), let key = try await APIKeyModel.find(id, on: req.db) else {
            throw DomainError.notFound
        }
        let context = req.auditContext
        let now = req.ams.clock.now
        try await WriteTransaction.run(on: req.db) { [services = req.ams] db in
            key.revokedAt = now
            try await key.update(on: db)
            try await services.audit.append(.apiKeyRevoked, context: context, targetType: "api_key", targetID: key.id!.uuidString,
                                            details: ["name": key.name, "prefix": key.keyPrefix], on: db)
        }
        return req.redirect(to: "/admin/api-keys?notice=apikey_revoked")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
