import Foundation
import Vapor

/// Pages that cost the same on the last page as on the first, however long the list: a page starts just after the
/// last row shown (the `after` cursor, in the list's index order), never at an OFFSET the database must count through;
/// newest-first lists can also "jump to a date". The total is counted up to ``countCap`` only and said as "more than
/// …" past it. The certificate list, the operators' queue (``RequestQueueOrder``) and the audit log page this way.
struct KeysetPage: Encodable {
    /// The certificate list's cursor: the next page starts after this time and id.
    struct Cursor: Equatable {
        let time: Date
        let id: UUID

        /// `<seconds since 1970>_<uuid>`: the time exactly as stored (a Double's shortest form round-trips).
        var text: String { "\(time.timeIntervalSince1970)_\(id.uuidString)" }

        init(time: Date, id: UUID) {
            self.time = time
            self.id = id
        }

        init?(_ text: String?) {
            let parts = (text ?? "").split(separator: "_")
            guard parts.count == 2, let seconds = Double(parts[0]), seconds.isFinite, let id = UUID(uuidString: String(parts[1])) else { return nil }
            self.init(time: Date(timeIntervalSince1970: seconds), id: id)
        }
    }

    static let countCap = 1000

    /// "125" or "more than 1000", as the page says it.
    let countText: String
    /// The first (newest) page, when this is not it.
    let firstQuery: String?
    let nextQuery: String?
    /// The day jumped to (`yyyy-MM-dd`), shown again in the jump box.
    let jumpDay: String
    /// Whether the list has the jump box (not the queue, whose "jump to" is its search by tracking number, NIP, NIK
    /// or name).
    let offersDayJump: Bool
    /// Newest-first lists say "newest / older", the queue "first / next".
    let newestFirst: Bool
    /// The other filters, carried by the jump form.
    let carried: [Carried]

    struct Carried: Encodable {
        let name: String
        let value: String
    }

    /// `hasMore`: the page was read with one row more than it shows, and that row came; `lastShown`: the cursor text
    /// of the last row shown.
    init(countText: String, isFirst: Bool, lastShown: String?, hasMore: Bool, jumpDay: String?, newestFirst: Bool = true,
         baseQuery: [String: String]) {
        self.countText = countText
        self.jumpDay = jumpDay ?? ""
        offersDayJump = jumpDay != nil
        self.newestFirst = newestFirst
        carried = baseQuery.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { Carried(name: $0.key, value: $0.value) }
        firstQuery = isFirst ? nil : QueryString.make(baseQuery)
        nextQuery = hasMore ? lastShown.map { QueryString.make(baseQuery, then: [("after", $0)]) } : nil
    }

    /// "125" or "more than 1000" for a count capped at ``countCap`` (``QueryBuilder/cappedCount(_:)``).
    static func countText(_ counted: Int, _ req: Request) -> String {
        counted > countCap ? req.localized("common_rows_more_than", ["count": String(countCap)])
                           : req.localized("common_rows", ["count": String(counted)])
    }
}
