import AMSCore
import Fluent
import Foundation

/// The operators' queue in its order — requests past their step's time standard first, then the others waiting in a
/// step, longest waiting first; then requests nobody is timed on (returned, closed), newest first — read a page at a
/// time at the same cost on the last page as on the first, however many requests there are.
///
/// Each status is read on its own along its index (`status, step_started_at, id` or `status, created_at, id`, with
/// the agency in front for agency operators), from just after the last row shown, and the few rows read are merged
/// here. Within one status "overdue" is a prefix of that order (waiting since before the step's cut-off), so the
/// order overdue-then-waiting is the index order, and no sort of the whole queue is ever needed.
struct RequestQueueOrder {
    /// Where a page starts: just after this row.
    struct Cursor: Equatable {
        enum Segment: Int, Comparable {
            case overdue = 0, waiting = 1, untimed = 2
            static func < (lhs: Segment, rhs: Segment) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        let segment: Segment
        /// When the step started (overdue, waiting) or the request was made (untimed).
        let time: Date
        let id: UUID

        /// `<segment>_<seconds since 1970>_<uuid>`.
        var text: String { "\(segment.rawValue)_\(time.timeIntervalSince1970)_\(id.uuidString)" }

        init(segment: Segment, time: Date, id: UUID) {
            self.segment = segment
            self.time = time
            self.id = id
        }

        init?(_ text: String?) {
            let parts = (text ?? "").split(separator: "_")
            guard parts.count == 3, let raw = Int(parts[0]), let segment = Segment(rawValue: raw), let seconds = Double(parts[1]),
                  seconds.isFinite, let id = UUID(uuidString: String(parts[2])) else { return nil }
            self.init(segment: segment, time: Date(timeIntervalSince1970: seconds), id: id)
        }

        /// Whether `self` comes before `other` in the queue.
        func precedes(_ other: Cursor) -> Bool {
            if segment != other.segment { return segment < other.segment }
            if time != other.time { return segment == .untimed ? time > other.time : time < other.time }
            let ascending = Self.bytes(id).lexicographicallyPrecedes(Self.bytes(other.id))
            return segment == .untimed ? !ascending && id != other.id : ascending
        }

        /// The UUID's 16 bytes, compared as both engines compare stored UUIDs (byte by byte).
        private static func bytes(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid) { Array($0) } }
    }

    let standards: TimeStandards
    let now: Date

    /// The step's cut-off: a request waiting in `status` since before it is overdue.
    func cutoff(_ status: RegistrationStatus) -> Date? {
        WorkflowStep.current(for: status).map { now.addingTimeInterval(-standards.limit(for: $0)) }
    }

    /// Where `request` stands in the queue.
    func cursor(_ request: QueueEntry) -> Cursor {
        if let cutoff = cutoff(request.status), let since = request.stepStartedAt {
            return Cursor(segment: since < cutoff ? .overdue : .waiting, time: since, id: request.id)
        }
        return Cursor(segment: .untimed, time: request.createdAt, id: request.id)
    }

    /// Up to `limit` requests in `statuses` from `base` (what the reader may see, filtered) after `after`, in queue
    /// order; `overdueOnly` keeps to the first segment.
    func page(_ base: QueryBuilder<RegistrationRequestModel>, statuses: [RegistrationStatus], after: Cursor?, overdueOnly: Bool,
              limit: Int) async throws -> [QueueEntry] {
        var read: [QueueEntry] = []
        for status in statuses {
            guard let query = self.query(base.copy().filter(\.$status == status), status: status, after: after, overdueOnly: overdueOnly)
            else { continue }
            read += try await QueueEntry.read(query.limit(limit))
        }
        let ordered = read.map { (cursor($0), $0) }.sorted { $0.0.precedes($1.0) }
        return ordered.prefix(limit).map(\.1)
    }

    /// One status's part of the page, along its index; nil when nothing of that status can follow `after`.
    private func query(_ query: QueryBuilder<RegistrationRequestModel>, status: RegistrationStatus, after: Cursor?,
                       overdueOnly: Bool) -> QueryBuilder<RegistrationRequestModel>? {
        guard let cutoff = cutoff(status) else {
            // untimed: newest first, after the cursor if it is in this segment
            if overdueOnly { return nil }
            if let after, after.segment == .untimed {
                query.after(\.$createdAt, after.time, id: after.id, descending: true)
            }
            return query.sort(\.$createdAt, .descending).sort(\.$id, .descending)
        }
        query.filter(\.$stepStartedAt != nil)
        if overdueOnly { query.filter(\.$stepStartedAt < cutoff) }
        switch after?.segment {
        case nil:
            break
        case .untimed:
            return nil
        case .overdue, .waiting:
            let after = after!
            // within this status, rows after the cursor start just after it, or at the cut-off when the cursor's segment
            // ends (for this status) before its time
            let cursorInOrder = after.segment == .overdue ? after.time < cutoff : after.time >= cutoff
            if cursorInOrder {
                query.after(\.$stepStartedAt, after.time, id: after.id, descending: false)
            } else {
                // an overdue cursor past this status's cut-off, or a waiting one before it: this status's waiting rows
                query.filter(\.$stepStartedAt >= cutoff)
            }
        }
        return query.sort(\.$stepStartedAt).sort(\.$id)
    }
}
