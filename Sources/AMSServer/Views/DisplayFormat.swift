import AMSPKI
import Foundation

/// How times are shown: UTC, minutes, unambiguous (`2026-11-25 08:30 UTC`).
enum DisplayFormat {
    static func timestamp(_ date: Date) -> String {
        let parts = DERWriter.utcComponents(date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", parts.year, parts.month, parts.day, parts.hour, parts.minute)
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

    static func timestampSeconds(_ date: Date) -> String {
        let parts = DERWriter.utcComponents(date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second)
    }
}
