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

    /// Which part of a NIP is wrong, as the form tells it (``message``).
    public enum Problem: Error, Sendable, Equatable {
        /// Not 18 digits (`count` characters after spaces are removed).
        case length(count: Int)
        /// Digits 1–8 are no birth date (YYYYMMDD).
        case birthDate(digits: String)
        /// Digits 9–14 are no appointment year and month (YYYYMM).
        case appointment(digits: String)
        /// Appointed before the age of 15.
        case appointedTooYoung(year: Int)
        /// Digit 15 is neither 1 (male) nor 2 (female).
        case sexDigit(digit: Int)
        case sequence

        public var message: ValidationError.Message {
            switch self {
            case .length(let count): return .init("error_nip_length", ["count": String(count)])
            case .birthDate(let digits): return .init("error_nip_birth_date", ["digits": digits])
            case .appointment(let digits): return .init("error_nip_appointment", ["digits": digits])
            case .appointedTooYoung(let year): return .init("error_nip_appointed_too_young", ["year": String(year)])
            case .sexDigit(let digit): return .init("error_nip_sex", ["digit": String(digit)])
            case .sequence: return .init("error_nip_sequence")
            }
        }
    }

    /// How a NIK and a NIP of one person disagree.
    public enum Disagreement: Sendable, Equatable {
        case birthDate(nik: String, nip: String)
        case sex

        public var message: ValidationError.Message {
            switch self {
            case .birthDate(let nik, let nip): return .init("error_nik_nip_birth_date", ["nik_date": nik, "nip_date": nip])
            case .sex: return .init("error_nik_nip_sex")
            }
        }
    }

    public init?(_ raw: String) {
        guard case .success(let nip) = Self.parse(raw) else { return nil }
        self = nip
    }

    /// The NIP, or the first part of it that is wrong (in reading order).
    public static func parse(_ raw: String) -> Result<NIP, Problem> {
        let text = raw.filter { !$0.isWhitespace }
        guard text.count == 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.length(count: text.count)) }
        let digits = text.compactMap { $0.wholeNumberValue }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let year = number(0..<4), month = number(4..<6), day = number(6..<8)
        let appointedYear = number(8..<12), appointedMonth = number(12..<14)
        let sexDigit = digits[14], sequence = number(15..<18)
        guard (1900...2100).contains(year), CalendarDate.isValid(day: day, month: month, year: year) else {
            return .failure(.birthDate(digits: String(text.prefix(8))))
        }
        guard (1950...2100).contains(appointedYear), (1...12).contains(appointedMonth) else {
            return .failure(.appointment(digits: String(text.dropFirst(8).prefix(6))))
        }
        guard appointedYear * 12 + appointedMonth > year * 12 + month + 12 * 15 else { return .failure(.appointedTooYoung(year: appointedYear)) }
        guard sexDigit == 1 || sexDigit == 2 else { return .failure(.sexDigit(digit: sexDigit)) }
        guard sequence > 0 else { return .failure(.sequence) }
        return .success(NIP(value: text, birthYear: year, birthMonth: month, birthDay: day, appointmentYear: appointedYear,
                            appointmentMonth: appointedMonth, sex: sexDigit == 1 ? .male : .female, sequence: sequence))
    }

    private init(value: String, birthYear: Int, birthMonth: Int, birthDay: Int, appointmentYear: Int, appointmentMonth: Int,
                 sex: NIK.Sex, sequence: Int) {
        self.value = value
        self.birthYear = birthYear
        self.birthMonth = birthMonth
        self.birthDay = birthDay
        self.appointmentYear = appointmentYear
        self.appointmentMonth = appointmentMonth
        self.sex = sex
        self.sequence = sequence
    }

    /// Whether the NIK tells the same birth date and sex (a cross-check operators see on a request).
    public func agrees(with nik: NIK) -> Bool {
        disagreement(with: nik) == nil
    }

    /// How the NIK disagrees with this NIP, birth date first; nil when they agree.
    public func disagreement(with nik: NIK) -> Disagreement? {
        guard nik.birthDay == birthDay, nik.birthMonth == birthMonth, nik.birthYearTwoDigits == birthYear % 100 else {
            return .birthDate(nik: String(format: "%02d-%02d-%02d", nik.birthDay, nik.birthMonth, nik.birthYearTwoDigits),
                              nip: String(format: "%02d-%02d-%04d", birthDay, birthMonth, birthYear))
        }
        return nik.sex == sex ? nil : .sex
    }
}
