import Foundation

/// Nomor Induk Pegawai: the 18-digit civil-servant number. Structure: birth date YYYYMMDD, appointment (TMT CPNS)
/// year and month YYYYMM, sex digit (1 male, 2 female), and a 3-digit sequence (never 000).
public struct NIP: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let birthYear: Int
    public let birthMonth: Int
    public let birthDay: Int
    public let appointmentYear: Int
    public let appointmentMonth: Int
    public let sex: NIK.Sex
    public let sequence: Int

    public var description: String { value }

    public init?(_ raw: String) {
        let text = raw.filter { !$0.isWhitespace }
        guard text.count == 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = text.compactMap { $0.wholeNumberValue }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let year = number(0..<4), month = number(4..<6), day = number(6..<8)
        let appointedYear = number(8..<12), appointedMonth = number(12..<14)
        let sexDigit = digits[14], sequence = number(15..<18)
        guard (1900...2100).contains(year), CalendarDate.isValid(day: day, month: month, year: year),
              (1950...2100).contains(appointedYear), (1...12).contains(appointedMonth),
              appointedYear * 12 + appointedMonth > year * 12 + month + 12 * 15,  // appointed at 15 or older
              sexDigit == 1 || sexDigit == 2, sequence > 0 else { return nil }
        value = text
        birthYear = year
        birthMonth = month
        birthDay = day
        appointmentYear = appointedYear
        appointmentMonth = appointedMonth
        sex = sexDigit == 1 ? .male : .female
        self.sequence = sequence
    }

    /// Whether the NIK tells the same birth date and sex (a cross-check operators see on a request).
    public func agrees(with nik: NIK) -> Bool {
        nik.birthDay == birthDay && nik.birthMonth == birthMonth && nik.birthYearTwoDigits == birthYear % 100 && nik.sex == sex
    }
}
