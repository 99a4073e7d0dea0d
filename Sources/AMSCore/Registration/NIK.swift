import Foundation

/// Nomor Induk Kependudukan: the 16-digit national population number. Structure: province (2), regency/city (2),
/// district (2), birth date as DDMMYY with 40 added to the day for women, and a 4-digit sequence (never 0000).
public struct NIK: Sendable, Hashable, CustomStringConvertible {
    public enum Sex: String, Sendable { case male, female }

    public let value: String
    public let provinceCode: Int
    public let regencyCode: Int
    public let districtCode: Int
    public let birthDay: Int
    public let birthMonth: Int
    /// Two-digit year; the century is not encoded.
    public let birthYearTwoDigits: Int
    public let sex: Sex
    public let sequence: Int

    public var description: String { value }

    /// Province codes in use (Kemendagri), including the Papua provinces formed in 2022.
    public static let provinceCodes: Set<Int> = [
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
        71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
    ]

    /// Which part of a NIK is wrong, as the form tells it (``message``).
    public enum Problem: Error, Sendable, Equatable {
        /// Not 16 digits (`count` characters after spaces are removed).
        case length(count: Int)
        case province(code: String)
        case regency
        case district
        /// Digits 7–12 are no date (DDMMYY, 40 added to the day for women).
        case birthDate(digits: String)
        case sequence

        public var message: ValidationError.Message {
            switch self {
            case .length(let count): return .init("error_nik_length", ["count": String(count)])
            case .province(let code): return .init("error_nik_province", ["code": code])
            case .regency: return .init("error_nik_regency")
            case .district: return .init("error_nik_district")
            case .birthDate(let digits): return .init("error_nik_birth_date", ["digits": digits])
            case .sequence: return .init("error_nik_sequence")
            }
        }
    }

    public init?(_ raw: String) {
        guard case .success(let nik) = Self.parse(raw) else { return nil }
        self = nik
    }

    /// The NIK, or the first part of it that is wrong (in reading order).
    public static func parse(_ raw: String) -> Result<NIK, Problem> {
        let text = raw.filter { !$0.isWhitespace }
        guard text.count == 16, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.length(count: text.count)) }
        let digits = text.compactMap { $0.wholeNumberValue }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let province = number(0..<2), regency = number(2..<4), district = number(4..<6)
        var day = number(6..<8)
        let month = number(8..<10), year = number(10..<12), sequence = number(12..<16)
        guard Self.provinceCodes.contains(province) else { return .failure(.province(code: String(text.prefix(2)))) }
        guard regency > 0 else { return .failure(.regency) }
        guard district > 0 else { return .failure(.district) }
        let sex: Sex = day > 40 ? .female : .male
        if sex == .female { day -= 40 }
        guard CalendarDate.isValid(day: day, month: month, twoDigitYear: year) else {
            return .failure(.birthDate(digits: String(text.dropFirst(6).prefix(6))))
        }
        guard sequence > 0 else { return .failure(.sequence) }
        return .success(NIK(value: text, provinceCode: province, regencyCode: regency, districtCode: district, birthDay: day,
                            birthMonth: month, birthYearTwoDigits: year, sex: sex, sequence: sequence))
    }

    private init(value: String, provinceCode: Int, regencyCode: Int, districtCode: Int, birthDay: Int, birthMonth: Int,
                 birthYearTwoDigits: Int, sex: Sex, sequence: Int) {
        self.value = value
        self.provinceCode = provinceCode
        self.regencyCode = regencyCode
        self.districtCode = districtCode
        self.birthDay = birthDay
        self.birthMonth = birthMonth
        self.birthYearTwoDigits = birthYearTwoDigits
        self.sex = sex
        self.sequence = sequence
    }
}
