import AMSCore
import Fluent
import Vapor

/// `/api/v1`: the registration workflow for agency systems, scoped to the key's agency. JSON in and out; errors are
/// `{"error": {"code", "message", "fields"?}}` with a stable code. Described by `/api/v1/openapi.json`.
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("openapi.json", use: openAPI)
        let authenticated = api.grouped(APIKeyAuthenticator())
        authenticated.get("requests", use: list)
        authenticated.get("requests", ":requestID", use: detail)
        authenticated.post("requests", ":requestID", "actions", use: act)
    }

    static func registerUploadRoute(_ routes: any RoutesBuilder, uploadMaxBytes: Int) {
        let limit = uploadMaxBytes * 2 + 64 * 1024
        routes.grouped("api", "v1").grouped(APIKeyAuthenticator())
            .on(.POST, "requests", bodyLimit: limit, use: APIController().create)
    }

    static func summary(_ request: RegistrationRequestModel) -> RequestSummary {
        RequestSummary(id: request.id!, trackingNumber: request.trackingNumber, status: request.status, version: request.version,
                       fullName: request.fullName, nip: request.nip, createdAt: request.createdAt, currentStep: request.currentStep,
                       stepStartedAt: request.stepStartedAt)
    }

    @Sendable func list(req: Request) async throws -> Page {
        let key = try APIKeyAuthenticator.client(req)
        var query = RegistrationRequestModel.query(on: req.db).filter(\.$agency.$id == key.$agency.id)
        if let status = req.query[String.self, at: "status"] {
            guard let parsed = RegistrationStatus(rawValue: status) else { throw DomainError(.invalidStatus, "unknown status") }
            query = query.filter(\.$status == parsed)
        }
        let total = try await query.count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: 50, total: total, baseQuery: [:])
        let items = try await query.sort(\.$createdAt).range(pagination.offset..<(pagination.offset + 50)).all()
        return Page(items: items.map(Self.summary), page: pagination.page, pageCount: pagination.pageCount, total: total)
    }

    private func load(_ req: Request) async throws -> (RegistrationRequestModel, APIKeyModel) {
        let key = try APIKeyAuthenticator.client(req)
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await RegistrationService(services: req.ams, database: req.db).load(id),
              request.$agency.id == key.$agency.id else { throw DomainError.notFound }
        return (request, key)
    }

    @Sendable func detail(req: Request) async throws -> RequestDetail {
        let (request, key) = try await load(req)
        let facts = RegistrationService.facts(request)
        return RequestDetail(request: Self.summary(request), lastReasonCode: request.lastReasonCode, lastReason: request.lastReason,
                             timeline: request.events.sorted { $0.occurredAt < $1.occurredAt }.map {
                                 TimelineItem(event: $0.event, fromStatus: $0.fromStatus, toStatus: $0.toStatus, level: $0.level,
                                              reasonCode: $0.reasonCode, reason: $0.reason, occurredAt: $0.occurredAt)
                             },
                             allowedEvents: request.workflow.allowedEvents.filter { Permissions.canApply($0, actor: key.actor, request: facts) }
                                .map(\.rawValue))
    }

    @Sendable func act(req: Request) async throws -> Response {
        let (request, key) = try await load(req)
        let body = try req.content.decode(ActionBody.self)
        guard let event = RegistrationEvent(rawValue: body.event) else {
            throw ValidationError(["event": "error_unknown_event"])
        }
        try await RegistrationService(services: req.ams, database: req.db).transition(
            request, .init(event: event, reason: body.reason.map { String($0.prefix(FieldLimit.reason)) }, note: body.note.map { String($0.prefix(FieldLimit.reason)) },
                           expectedVersion: body.version, checklist: Set((body.checklist ?? []).compactMap(AgencyChecklistItem.init(rawValue:))),
                           reasonCode: body.reasonCode),
            by: .apiClient(key), context: req.auditContext.actingAsAPI(key))
        let fresh = try await RegistrationService(services: req.ams, database: req.db).load(request.id!)!
        return try await Self.summary(fresh).encodeResponse(status: .ok, for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let key = try APIKeyAuthenticator.client(req)
        let input = try req.content.decode(RegistrationRequestBody.self).input(agencyID: key.$agency.id.uuidString, locale: .default)
        let submitted = try await RegistrationService(services: req.ams, database: req.db)
            .submit(input, enteredBy: nil, context: req.auditContext.actingAsAPI(key))
        let response = try await Self.summary(submitted.request).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/requests/\(submitted.request.id!.uuidString)")
        return response
    }

    @Sendable func openAPI(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: try await OpenAPIDocument.json(for: req)))
        response.headers.contentType = .json
        return response
    }
}

extension AuditContext {
    func actingAsAPI(_ key: APIKeyModel) -> AuditContext {
        var copy = self
        copy.actorID = key.id
        copy.actorName = "api:\(key.name)"
        copy.actorRole = "api_client"
        return copy
    }
}
