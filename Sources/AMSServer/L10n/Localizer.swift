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
        fill(byLocale[locale]?[key] ?? key, arguments)
    }

    /// Fills `{name}` placeholders in one pass: a value is inserted as it is (a `{…}` inside a value is never filled
    /// in turn), and a placeholder without an argument stays as written.
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var out = ""
        out.reserveCapacity(template.utf8.count + 64)
        var rest = template[...]
        // braces searched as bytes (ASCII, so every index found is a character boundary): no grapheme breaking
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")), let close = rest.utf8[open...].firstIndex(of: UInt8(ascii: "}")) {
            out += rest[..<open]
            let name = String(rest[rest.utf8.index(after: open)..<close])
            out += arguments[name] ?? String(rest[open...close])
            rest = rest[rest.utf8.index(after: close)...]
        }
        out += rest
        return out
    }
}
