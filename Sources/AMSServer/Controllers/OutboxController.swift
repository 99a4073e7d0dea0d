import AMSCore
import Fluent
import Vapor

/// "Kotak keluar": administrators see queued and delivered mail; with no SMTP configured this is how initial
/// passwords and links reach people. Bodies are opened (unsealed) only on the detail page.
struct OutboxController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let outbox = routes.grouped("admin", "outbox")
            .grouped(RequireSignedInMiddleware(), RequirePermissionMiddleware { Permissions.canReadOutbox(actor: $0) })
        outbox.get(use: list)
        outbox.get(":messageID", use: detail)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let total = try await OutboxMessageModel.query(on: req.db).count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: 50, total: total, baseQuery: [:])
        let messages = try await OutboxMessageModel.query(on: req.db).sort(\.$createdAt, .descending)
            .range(pagination.offset..<(pagination.offset + 50)).all()
        return try await req.renderPage("admin-outbox", titleKey: "outbox_title",
                                        page: ListPage(configured: req.ams.mailTransport != nil,
                                                       messages: messages.map { row($0, req) }, pagination: pagination))
    }

    @Sendable func detail(req: Request) async throws -> Response {
        guard let id = req.parameters.get("messageID", as: UUID.self),
              let message = try await OutboxMessageModel.find(id, on: req.db) else { throw DomainError.notFound }
        let body = try message.sealedBody.map { try req.ams.sealer.open($0, messageID: message.messageID).body }
        return try await req.renderPage("admin-outbox-message", titleKey: "outbox_title",
                                        page: DetailPage(message: row(message, req), body: body))
    }

    private func row(_ message: OutboxMessageModel, _ req: Request) -> MessageRow {
        MessageRow(id: message.id!.uuidString, recipient: message.recipient, subject: message.subject,
                   statusLabel: req.localized("outbox_status_\(message.status.rawValue)"), status: message.status.rawValue,
                   createdAt: DisplayFormat.timestamp(message.createdAt, in: req.readerTimeZone),
                   sentAt: message.sentAt.map { DisplayFormat.timestamp($0, in: req.readerTimeZone) },
                   attempts: message.attempts, lastError: message.lastError)
    }
}
