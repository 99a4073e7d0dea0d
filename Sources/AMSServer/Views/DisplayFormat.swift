import AMSPKI
import Foundation

/// How times are shown: UTC, minutes, unambiguous (`2026-11-25 08:30 UTC`).
enum DisplayFormat {
    static func timestamp(_ date: Date) -> String {
        digits(DERWriter.utcComponents(date), seconds: false) + " UTC"
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
        digits(DERWriter.utcComponents(date), seconds: true)
    }

    /// `yyyy-MM-dd HH:mm[:ss]`, written digit by digit (a batch of issuance mails formats thousands; `String(format:)`
    /// went through C varargs for each).
    private static func digits(_ parts: DERWriter.TimeComponents, seconds: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(19)
        func append(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        if parts.year > 9999 { out += Array(String(parts.year).utf8) } else { append(parts.year, width: 4) }
        out.append(UInt8(ascii: "-"))
        append(parts.month, width: 2)
        out.append(UInt8(ascii: "-"))
        append(parts.day, width: 2)
        out.append(UInt8(ascii: " "))
        append(parts.hour, width: 2)
        out.append(UInt8(ascii: ":"))
        append(parts.minute, width: 2)
        if seconds {
            out.append(UInt8(ascii: ":"))
            append(parts.second, width: 2)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
