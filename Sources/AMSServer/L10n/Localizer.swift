import Foundation

/// Looks strings up in the one localisation table (``LocalizationTable``).
enum Localizer {
    private static let byLocale: [AppLocale: [String: String]] = {
        var id: [String: String] = [:], en: [String: String] = [:]
        for entry in LocalizationTable.entries {
            id[entry.key] = entry.id
            en[entry.key] = entry.en
        }
        return [.id: id, .en: en]
    }()

    /// All strings of a locale, for page contexts (`#(t.key)` in templates).
    static func strings(_ locale: AppLocale) -> [String: String] { byLocale[locale] ?? [:] }

    static func has(_ key: String) -> Bool { byLocale[.id]?[key] != nil }

    /// One string, with `{name}` placeholders filled in. A missing key shows as the key itself (and a test fails).
    static func text(_ key: String, _ locale: AppLocale, _ arguments: [String: String] = [:]) -> String {
        var text = byLocale[locale]?[key] ?? key
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }
}
