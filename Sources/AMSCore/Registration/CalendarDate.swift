import Foundation

/// Calendar checks for identity numbers (Gregorian, no time zone).
public enum CalendarDate {
    public static func isValid(day: Int, month: Int, year: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// With a two-digit year the century is unknown: 29 February is accepted for years divisible by four.
    public static func isValid(day: Int, month: Int, twoDigitYear: Int) -> Bool {
        isValid(day: day, month: month, year: 2000 + twoDigitYear)
    }
}
