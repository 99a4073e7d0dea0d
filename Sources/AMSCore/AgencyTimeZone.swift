import Foundation

/// The three time zones of Indonesia. Each agency shows times in its own, always named: a date and time read in
/// Padang (WIB), Makassar (WITA) or Jayapura (WIT) means what the reader's clock says.
public enum AgencyTimeZone: String, CaseIterable, Sendable, Codable {
    /// Waktu Indonesia Barat, UTC+7.
    case wib = "Asia/Jakarta"
    /// Waktu Indonesia Tengah, UTC+8.
    case wita = "Asia/Makassar"
    /// Waktu Indonesia Timur, UTC+9.
    case wit = "Asia/Jayapura"

    /// Where no agency says otherwise (the CA's own staff, anonymous pages): Jakarta.
    public static let `default` = AgencyTimeZone.wib

    /// `WIB`, `WITA` or `WIT`.
    public var abbreviation: String {
        switch self {
        case .wib: return "WIB"
        case .wita: return "WITA"
        case .wit: return "WIT"
        }
    }

    public var timeZone: TimeZone { TimeZone(identifier: rawValue)! }

    /// From `WIB`/`WITA`/`WIT` or the zone's identifier, in any case.
    public init?(named text: String) {
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let zone = Self.allCases.first(where: { $0.abbreviation.lowercased() == wanted || $0.rawValue.lowercased() == wanted }) else {
            return nil
        }
        self = zone
    }
}
