import Foundation

extension Calendar {
    /// The Gregorian calendar in UTC: the calendar of ASN.1 and PDF times (time-stamps, signing times), of dates given
    /// as year-month-day, and of the time-standard report's day and month tallies.
    public static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
