import AMSCore
import Fluent
import SQLKit
import Vapor

/// Auditors and administrators browse, filter and export the audit log (*Pencatatan*).
struct AuditController: RouteCollection {
    /// The filters, parsed once for the page and the export.
    struct Filter: Sendable {
        var action: String?
        var actor: String
        var outcome: AuditOutcome?
        var from: Date?
        var to: Date?
        var fromText: String
        var toText: String

        init(_ req: Request) {
            action = req.query[String.self, at: "action"].flatMap { AuditAction(rawValue: $0)?.rawValue }
            actor = req.searchText("actor")
            outcome = req.query[String.self, at: "outcome"].flatMap(AuditOutcome.init(rawValue:))
            fromText = req.query[String.self, at: "from"] ?? ""
            toText = req.query[String.self, at: "to"] ?? ""
            from = Self.day(fromText)
            to = Self.day(toText).map { $0.addingTimeInterval(86400) }
            if from == nil { fromText = "" }
            if to == nil { toText = "" }
        }

        static func day(_ text: String) -> Date? {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.date(from: text)
        }

        var queryItems: [String: String] {
            ["action": action ?? "", "actor": actor, "outcome": outcome?.rawValue ?? "", "from": fromText, "to": toText]
        }

        /// The filter's conditions, once: the page's query and the export's plain SQL reads both apply them.
        var conditions: [any SQLExpression] {
            var list: [any SQLExpression] = []
            func add(_ column: String, _ op: SQLBinaryOperator, _ value: any Encodable & Sendable) {
                list.append(SQLBinaryExpression(left: SQLIdentifier(column), op: op, right: SQLBind(value)))
            }
            if let action { add("action", .equal, action) }
            if !actor.isEmpty { add("actor_name", .equal, actor.lowercased()) }
            if let outcome { add("outcome", .equal, outcome.rawValue) }
            if let from { add("occurred_at", .greaterThanOrEqual, from) }
            if let to { add("occurred_at", .lessThan, to) }
            return list
        }

        func apply(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
            conditions.reduce(select) { $0.where($1) }
        }

        func apply(_ query: QueryBuilder<AuditEntryModel>) -> QueryBuilder<AuditEntryModel> {
            conditions.reduce(query) { $0.filter(.sql($1)) }
        }
    }

    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        let audit = routes.grouped("audit")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canReadAuditLog(actor: $0) })
        audit.get(use: list)
        audit.get("export.csv", use: export)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let filter = Filter(req)
        // newest first, a page after the last sequence shown (the primary key's order), the count capped
        let counted = try await filter.apply(AuditEntryModel.query(on: req.db)).cappedCount(KeysetPage.countCap)
        let after = req.query[Int64.self, at: "after"]
        var query = filter.apply(AuditEntryModel.query(on: req.db))
        if let after { query = query.filter(\.$sequence < after) }
        let read = try await query.sort(\.$sequence, .descending).limit(Self.pageSize + 1).all()
        let entries = Array(read.prefix(Self.pageSize))
        let keyset = KeysetPage(countText: KeysetPage.countText(counted, req), isFirst: after == nil,
                                lastShown: entries.last.map { String($0.sequence) }, hasMore: read.count > Self.pageSize, jumpDay: nil,
                                baseQuery: filter.queryItems)
        let actions = [SelectOption(value: "", label: req.localized("audit_any"), selected: filter.action == nil)]
            + AuditAction.allCases.map { SelectOption(value: $0.rawValue, label: AuditText.action($0.rawValue, locale: req.locale),
                                                      selected: $0.rawValue == filter.action) }
                .sorted { $0.label < $1.label }
        let outcomes = [SelectOption(value: "", label: req.localized("audit_any"), selected: filter.outcome == nil)]
            + AuditOutcome.allCases.map { SelectOption(value: $0.rawValue, label: req.localized("audit_outcome_\($0.rawValue)"), selected: $0 == filter.outcome) }
        let exportQuery = QueryString.make(filter.queryItems)
        let page = ListPage(entries: entries.map { row($0, req) }, actions: actions, outcomes: outcomes, actor: filter.actor,
                            from: filter.fromText, to: filter.toText, exportQuery: exportQuery,
                            countText: keyset.countText, keyset: keyset)
        return try await req.renderPage("audit", titleKey: "audit_title", page: page)
    }

    /// The filtered log as CSV, streamed (``AuditCSVExport``: a batch at a time, flat memory); the export itself is
    /// audited first, with its filter.
    @Sendable func export(req: Request) async throws -> Response {
        let filter = Filter(req)
        try await req.ams.audit.appendAlone(.auditExported, context: req.auditContext, targetType: "audit_log",
                                            details: filter.queryItems.filter { !$0.value.isEmpty }, on: req.db)
        let export = AuditCSVExport(database: req.reportsDB) { filter.apply($0) }
        let response = Response(status: .ok, body: .init(managedAsyncStream: { writer in
            try await export.write { try await writer.writeBuffer($0) }
        }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "ams-audit-log.csv")
        return response
    }

    private func row(_ entry: AuditEntryModel, _ req: Request) -> EntryRow {
        let details = AuditRecord.details(fromJSON: entry.details).sorted { $0.key < $1.key }
            .map { AuditText.detail($0.key, $0.value, locale: req.locale) }.joined(separator: ", ")
        let target = entry.targetType.isEmpty ? "" : "\(entry.targetType) \(entry.targetID)"
        return EntryRow(sequence: entry.sequence, time: DisplayFormat.timestampSeconds(entry.occurredAt, in: req.readerTimeZone), actor: entry.actorName,
                        role: entry.actorRole, action: AuditText.action(entry.action, locale: req.locale), actionCode: entry.action, target: target, outcome: entry.outcome.rawValue,
                        outcomeLabel: req.localized("audit_outcome_\(entry.outcome.rawValue)"), address: entry.clientAddress,
                        details: details)
    }
}
