import AMSCore
import Fluent
import Vapor

/// Operators' side of the SOP: the queue (agency operators: their agency; CA operators: what reached the CA),
/// the request page with documents, checks and timeline, the actions, and document downloads.
struct RequestQueueController: RouteCollection {
    static let pageSize = 25

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("requests").grouped(RequireSignedInMiddleware(),
                                                       RequirePermissionMiddleware { Permissions.canReadRequestQueue(actor: $0) })
        staff.get(use: queue)
        staff.get(":requestID", use: detail)
        staff.post(":requestID", "actions", use: act)
        staff.get(":requestID", "attachments", ":attachmentID", use: download)
    }

    /// The requests `user` may see, as a query.
    static func visible(to user: UserModel, on db: any Database) -> QueryBuilder<RegistrationRequestModel> {
        VisibilityScope.registrationRequests(for: user.actor).registrationRequests(on: db)
    }

    @Sendable func queue(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let text = req.searchText()
        let status = req.query[String.self, at: "status"].flatMap(RegistrationStatus.init(rawValue:))
        let overdueOnly = req.query[String.self, at: "overdue"] == "1"
        // operators start on what waits for them; "all" shows every open request they may see
        let awaiting = Permissions.statusesAwaiting(user.role)
        let mineOnly = !awaiting.isEmpty && req.query[String.self, at: "all"] != "1" && status == nil
        let now = req.ams.clock.now
        // only statuses the reader can see: the database cannot tell that "reached the CA" and "submitted" exclude each
        // other, and would walk every submitted request's index entry to find none
        let scope = VisibilityScope.registrationRequests(for: user.actor)
        let statuses = (status.map { [$0] } ?? (mineOnly ? awaiting : RegistrationStatus.allCases.filter { !$0.isClosed }))
            .filter(scope.admitsRequests(in:))
        var base = Self.visible(to: user, on: req.db)
        if !text.isEmpty { base = try await RequestSearch(text: text).narrow(base) }
        let order = RequestQueueOrder(standards: req.ams.configuration.timeStandards, now: now)
        let counts = try await OperatorWorkload(standards: req.ams.configuration.timeStandards, database: req.db).counts(for: user, now: now)
        let count: Int
        if mineOnly && text.isEmpty {
            count = overdueOnly ? counts.overdue : counts.waiting // the workload counted these rows already, to the same cap
        } else if overdueOnly {
            count = try await base.copy().overdueCount(in: statuses, at: now, standards: req.ams.configuration.timeStandards,
                                                       cap: KeysetPage.countCap)
        } else {
            count = try await base.copy().filter(\.$status ~~ statuses).cappedCount(KeysetPage.countCap)
        }
        let after = RequestQueueOrder.Cursor(req.query[String.self, at: "after"])
        let read = try await order.page(base.copy(), statuses: statuses, after: after, overdueOnly: overdueOnly,
                                        limit: Self.pageSize + 1)
        let rows = Array(read.prefix(Self.pageSize))
        let agencyNames = try await AgencyModel.text(\.$name, of: Set(rows.map(\.agencyID)), on: req.db)
        let keyset = KeysetPage(countText: KeysetPage.countText(count, req), isFirst: after == nil,
                                lastShown: rows.last.map { order.cursor($0).text }, hasMore: read.count > Self.pageSize, jumpDay: nil,
                                newestFirst: false,
                                baseQuery: ["q": text, "status": status?.rawValue ?? "", "overdue": overdueOnly ? "1" : "",
                                            "all": mineOnly || awaiting.isEmpty ? "" : "1"])
        let options = [SelectOption(value: "", label: req.localized("queue_open"), selected: status == nil)]
            + RegistrationStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.localized("status_\($0.rawValue)"), selected: $0 == status) }
        let page = QueuePage(canEnter: Permissions.canEnterRequestForApplicant(actor: user.actor),
                             rows: rows.map { row($0, agency: agencyNames[$0.agencyID] ?? "", now: now, req) },
                             statuses: options, query: text, overdueOnly: overdueOnly, keyset: keyset,
                             hasMine: !awaiting.isEmpty, mineOnly: mineOnly,
                             mineLabel: req.localized("queue_mine", ["count": counts.figure(counts.waiting)]),
                             overdueLabel: counts.overdue > 0
                                ? req.localized("queue_mine_overdue", ["count": counts.figure(counts.overdue)]) : nil)
        return try await req.renderPage("requests", titleKey: "queue_title", page: page)
    }

    func row(_ request: QueueEntry, agency: String, now: Date, _ req: Request) -> QueueRow {
        let age = request.stepStartedAt.map { now.timeIntervalSince($0) }
        var overdue = false
        if let age, let step = request.currentStep { overdue = req.ams.configuration.timeStandards.isOverdue(step: step, waited: age) }
        return QueueRow(id: request.id.uuidString, trackingNumber: request.trackingNumber, fullName: request.fullName, nip: request.nip,
                        agency: agency, status: request.status.rawValue,
                        statusLabel: req.localized("status_\(request.status.rawValue)"),
                        age: age.map { DisplayFormat.duration($0, locale: req.locale) } ?? "—", overdue: overdue)
    }

    func loadVisible(_ req: Request) async throws -> (RegistrationRequestModel, UserModel) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await RegistrationService(services: req.ams, database: req.db).load(id),
              Permissions.canView(actor: user.operatorActor, request: RegistrationService.facts(request)) else {
            throw DomainError.notFound
        }
        return (request, user)
    }

    @Sendable func detail(req: Request) async throws -> Response {
        let (request, user) = try await loadVisible(req)
        return try await req.renderPage("request", titleKey: "request_title", page: RequestPage.make(request, for: user, on: req))
    }

    @Sendable func act(req: Request) async throws -> Response {
        let (request, user) = try await loadVisible(req)
        let form = try req.content.decode(ActionForm.self)
        guard let event = form.event.flatMap(RegistrationEvent.init(rawValue:)), let version = form.version else {
            throw Abort(.badRequest)
        }
        let reason = form.reason.map { String($0.prefix(FieldLimit.reason)) }
        let service = RegistrationService(services: req.ams, database: req.db)
        let refusal: ErrorMapping
        do {
            let note = form.note.flatMap { $0.isEmpty ? nil : String($0.prefix(FieldLimit.reason)) }
            let ticked: [(String?, AgencyChecklistItem)] = [(form.checkLetterSigned, .letterSigned), (form.checkDecreeMatches, .decreeMatches),
                                                            (form.checkEmailOfficial, .emailOfficial)]
            try await service.transition(request, .init(event: event, reason: reason, note: note, expectedVersion: version,
                                                        checklist: Set(ticked.filter { $0.0 == "yes" }.map(\.1)),
                                                        reasonCode: form.reasonCode.flatMap { $0.isEmpty ? nil : $0 }),
                                         by: .operatorAccount(user), context: req.auditContext)
            return req.redirect(to: "/requests/\(request.id!.uuidString)?notice=request_updated")
        } catch let error as DomainError where [.staleVersion, .accountExists, .checklistIncomplete].contains(error.code) {
            refusal = ErrorMapping(error)
        } catch let error as WorkflowError {
            refusal = ErrorMapping(error)
        }
        // refused: the page again, as it is now, with the reason on top
        let fresh = try await service.load(request.id!) ?? request
        var page = try await RequestPage.make(fresh, for: user, on: req)
        page.problem = refusal.message(req.locale)
        return try await req.renderPage("request", titleKey: "request_title", page: page, status: refusal.status)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let (request, _) = try await loadVisible(req)
        guard let attachmentID = req.parameters.get("attachmentID", as: UUID.self),
              let attachment = request.attachments.first(where: { $0.id == attachmentID }) else { throw DomainError.notFound }
        let bytes = try await req.ams.attachments.read(attachment.storageKey)
        try await req.ams.audit.appendAlone(.attachmentDownloaded, context: req.auditContext, targetType: "registration",
                                            targetID: request.trackingNumber,
                                            details: ["kind": attachment.kind.rawValue, "sha256": attachment.sha256], on: req.db)
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        response.headers.contentDisposition = .init(.attachment, filename: "\(request.trackingNumber)-\(attachment.kind.rawValue)-r\(attachment.revision).pdf")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
