import AMSCore

/// Audit entries in their reader's words: the action's label, detail names, and the values that are codes of
/// statuses, events and reasons. Codes without a label are shown as they are (the CSV export keeps every code).
enum AuditText {
    static func action(_ code: String, locale: AppLocale) -> String {
        let key = "audit_action_" + code.replacingOccurrences(of: ".", with: "_")
        return Localizer.has(key) ? Localizer.text(key, locale) : code
    }

    static func detail(_ name: String, _ value: String, locale: AppLocale) -> String {
        let label = Localizer.has("audit_detail_\(name)") ? Localizer.text("audit_detail_\(name)", locale) : name
        return "\(label): \(words(for: name, value, locale: locale))"
    }

    private static func words(for name: String, _ value: String, locale: AppLocale) -> String {
        let key: String? = switch name {
        case "from", "to": "status_\(value)"
        case "event": "event_\(value)"
        case "reason_code": "reason_\(value)"
        case "role": "role_\(value)"
        default: nil
        }
        guard let key, !value.isEmpty, Localizer.has(key) else { return value }
        return Localizer.text(key, locale)
    }
}
