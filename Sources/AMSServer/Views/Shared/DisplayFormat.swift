import AMSCore
import Foundation

/// How times, durations and sizes are shown: in the reader's time zone, named, to the minute
/// (`2026-11-25 15:30 WIB`).
enum DisplayFormat {
    static func timestamp(_ date: Date, in zone: AgencyTimeZone) -> String {
        wholeSecond(date).formatted(minutes[zone]!) + " " + zone.abbreviation
    }

    /// To the second (the audit log).
    static func timestampSeconds(_ date: Date, in zone: AgencyTimeZone) -> String {
        wholeSecond(date).formatted(seconds[zone]!) + " " + zone.abbreviation
    }

    /// The second a moment falls in (rounded down, as in DER times; Foundation's formatter rounds to milliseconds
    /// and truncates toward zero before 1970).
    private static func wholeSecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// A waiting time as people say it: `45 mnt`, `3 j 10 mnt`, `2 h 4 j` (Indonesian) or `45 min`, `3 h 10 min`, `2 d 4 h`.
    static func duration(_ interval: TimeInterval, locale: AppLocale) -> String {
        let minutes = max(0, Int(interval / 60))
        let (m, h, d) = locale == .id ? ("mnt", "j", "h") : ("min", "h", "d")
        if minutes < 60 { return "\(minutes) \(m)" }
        if minutes < 24 * 60 { return "\(minutes / 60) \(h) \(minutes % 60) \(m)" }
        return "\(minutes / 1440) \(d) \(minutes % 1440 / 60) \(h)"
    }

    /// A file size: `812 B`, `45 KB`, `1.8 MB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    /// `yyyy-MM-dd HH:mm` in each zone, Gregorian.
    private static let minutes = Dictionary(uniqueKeysWithValues: AgencyTimeZone.allCases.map { zone in
        (zone, Date.VerbatimFormatStyle(
            format: "\(year: .padded(4))-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            timeZone: zone.timeZone, calendar: Calendar(identifier: .gregorian)))
    })

    /// `yyyy-MM-dd HH:mm:ss` in each zone, Gregorian.
    private static let seconds = Dictionary(uniqueKeysWithValues: AgencyTimeZone.allCases.map { zone in
        (zone, Date.VerbatimFormatStyle(
            format: "\(year: .padded(4))-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
            timeZone: zone.timeZone, calendar: Calendar(identifier: .gregorian)))
    })
}
