import AMSCore
import Fluent
import Vapor

/// The page contexts ``OutboxController`` renders.
extension OutboxController {
    struct MessageRow: Encodable {
        let id: String
        let recipient: String
        let subject: String
        let statusLabel: String
        let status: String
        let createdAt: String
        let sentAt: String?
        let attempts: Int
        let lastError: String?
    }

    struct ListPage: Encodable {
        let configured: Bool
        let messages: [MessageRow]
        let pagination: Pagination
    }

    struct DetailPage: Encodable {
        let message: MessageRow
        let body: String?
    }
}
