import AMSCore
import Foundation
import Testing
@testable import AMSServer

@Suite("Times as shown to people")
struct DisplayFormatTests {
    private static func reference(_ date: Date, _ format: String, _ zone: AgencyTimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone.rawValue)
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    @Test func timestampsInEachIndonesianZoneMatchFoundationsFormatterAndNameTheZone() {
        // leap days, century rules (1900, 2000, 2100), before 1970, the ends of days and years, and a spread of others
        var dates = ["1900-02-28T23:59:59Z", "1900-03-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
                     "2000-02-29T12:34:56Z", "2024-02-29T00:00:00Z", "2026-11-30T23:59:59Z", "2100-03-01T00:00:01Z",
                     "2049-12-31T23:59:59Z"].map { try! Date($0, strategy: .iso8601) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // whole seconds: Foundation's formatter rounds fractions to milliseconds first and truncates toward zero
            // before 1970, where AMS shows the second a moment falls in (next test)
            dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))))
        }
        for date in dates {
            for zone in AgencyTimeZone.allCases {
                #expect(DisplayFormat.timestamp(date, in: zone) == Self.reference(date, "yyyy-MM-dd HH:mm", zone) + " " + zone.abbreviation,
                        "\(date.timeIntervalSince1970) \(zone)")
                #expect(DisplayFormat.timestampSeconds(date, in: zone) == Self.reference(date, "yyyy-MM-dd HH:mm:ss", zone) + " " + zone.abbreviation,
                        "\(date.timeIntervalSince1970) \(zone)")
            }
        }
    }

    @Test func aMomentIsShownInTheSecondItFallsIn() {
        // half a second before the epoch lies in the last second of 1969 (rounded down, as in DER times)
        #expect(DisplayFormat.timestampSeconds(Date(timeIntervalSince1970: -0.5), in: .wib) == "1970-01-01 06:59:59 WIB")
        #expect(DisplayFormat.timestampSeconds(Date(timeIntervalSince1970: 59.999), in: .wib) == "1970-01-01 07:00:59 WIB")
        #expect(DisplayFormat.timestamp(Date(timeIntervalSince1970: -1), in: .wit) == "1970-01-01 08:59 WIT")
    }

    @Test func theSameMomentReadsInEachZone() throws {
        let moment = try Date("2026-11-25T06:30:00Z", strategy: .iso8601)
        #expect(AgencyTimeZone.allCases.map { DisplayFormat.timestamp(moment, in: $0) }
            == ["2026-11-25 13:30 WIB", "2026-11-25 14:30 WITA", "2026-11-25 15:30 WIT"])
        #expect(AgencyTimeZone(named: "wita") == .wita && AgencyTimeZone(named: "Asia/Jayapura") == .wit && AgencyTimeZone(named: "UTC") == nil)
    }
}
