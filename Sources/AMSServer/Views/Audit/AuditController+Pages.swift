import AMSCore
import Fluent
import Vapor

/// The page contexts ``AuditController`` renders.
extension AuditController {
    struct EntryRow: Encodable {
        let sequence: Int64
        let time: String
        let actor: String
        let role: String
        /// The action in words, and its code (shown on hover; the filter and the CSV use codes).
        let action: String
        let actionCode: String
        let target: String
        let outcome: String
        let outcomeLabel: String
        let address: String
        let details: String
    }

    struct ListPage: Encodable {
        let entries: [EntryRow]
        let actions: [SelectOption]
        let outcomes: [SelectOption]
        let actor: String
        let from: String
        let to: String
        let exportQuery: String
        let countText: String
        let keyset: KeysetPage
    }
}
