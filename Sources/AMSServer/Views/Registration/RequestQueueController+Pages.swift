import AMSCore
import Fluent
import Vapor

/// The page contexts ``RequestQueueController`` renders.
extension RequestQueueController {
    struct QueueRow: Encodable {
        let id: String
        let trackingNumber: String
        let fullName: String
        let nip: String
        let agency: String
        let status: String
        let statusLabel: String
        let age: String
        let overdue: Bool
    }

    struct QueuePage: Encodable {
        let canEnter: Bool
        let rows: [QueueRow]
        let statuses: [SelectOption]
        let query: String
        let overdueOnly: Bool
        let keyset: KeysetPage
        /// Whether this reader has a "waiting for me" view, whether it is shown, and its tab's words with the counts.
        let hasMine: Bool
        let mineOnly: Bool
        let mineLabel: String
        let overdueLabel: String?
    }
}
