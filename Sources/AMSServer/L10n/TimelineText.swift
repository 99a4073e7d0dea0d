import AMSCore
import Foundation

/// What a timeline entry says besides its event and reason, in its reader's language: the checklist items confirmed
/// when forwarding, what a resubmission changed, and the operator's own note.
enum TimelineText {
    static func note(_ entry: RegistrationEventModel, locale: AppLocale) -> String? {
        var parts: [String] = []
        if let checklist = entry.checklist, !checklist.isEmpty {
            let items = checklist.split(separator: ",").map { Localizer.text("checklist_\($0)", locale) }
            parts.append(Localizer.text("request_checklist_done", locale) + ": " + items.joined(separator: "; "))
        }
        if let json = entry.changes, let changes = try? JSONDecoder().decode([RequestChange].self, from: Data(json.utf8)) {
            parts.append(changes.map { words($0, locale: locale) }.joined(separator: "; "))
        }
        if let note = entry.note, !note.isEmpty { parts.append(note) }
        return parts.isEmpty ? nil : parts.joined(separator: " — ")
    }

    static func words(_ change: RequestChange, locale: AppLocale) -> String {
        if let revision = change.revision {
            return Localizer.text("timeline_document_revision", locale,
                                  ["document": Localizer.text("document_\(change.subject)", locale), "revision": String(revision)])
        }
        return Localizer.text("register_\(change.subject)", locale) + ": " + (change.from ?? "") + " → " + (change.to ?? "")
    }
}
