import Foundation

/// One thing an applicant changed when resubmitting a returned request, kept in the timeline as data (field codes
/// and values) and put into words for each reader: a field's old and new value, or a document's new revision.
public struct RequestChange: Codable, Sendable, Equatable {
    /// `phone`, `unit` or `position` for a field; a document kind (`recommendation_letter`, `job_decree`) for a document.
    public var subject: String
    public var from: String?
    public var to: String?
    /// The new revision of a document.
    public var revision: Int?

    public static func field(_ name: String, from: String, to: String) -> RequestChange {
        RequestChange(subject: name, from: from, to: to, revision: nil)
    }

    public static func document(_ kind: String, revision: Int) -> RequestChange {
        RequestChange(subject: kind, from: nil, to: nil, revision: revision)
    }
}
