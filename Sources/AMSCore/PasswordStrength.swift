import Foundation

/// How many guesses a password would take an attacker who tries common patterns first, after zxcvbn (Dropbox's
/// estimator, Wheeler 2016). The password is split into the pieces that are cheapest to guess — common passwords
/// and other words of ``FrequencyDictionary`` (with capitals, l33t substitutions and reversal), repeats (`aaaa`, `abcabc`), sequences (`abcd`, `9753`) and
/// keyboard walks (`qwerty`, `asdfgh`) — and brute force for the rest (ten guesses a character, zxcvbn's rate); the
/// cheapest split is the estimate.
///
/// The score is zxcvbn's: 0 below 10³ guesses, 1 below 10⁶, 2 below 10⁸, 3 below 10¹⁰, 4 above. AMS requires
/// ``requiredScore`` (3: at least 10⁸ guesses).
public struct PasswordStrength: Sendable, Equatable {
    /// The least score a new password must reach.
    public static let requiredScore = 3

    /// log₁₀ of the estimated number of guesses.
    public let log10Guesses: Double

    public var score: Int {
        switch log10Guesses {
        case ..<3: 0
        case ..<6: 1
        case ..<8: 2
        case ..<10: 3
        default: 4
        }
    }

    public init(_ password: String, dictionary: FrequencyDictionary = .shipped) {
        log10Guesses = Self.estimate(Array(password), dictionary: dictionary)
    }

    // MARK: the cheapest split

    /// Dynamic programming over the end of the piece: the cheapest way to guess the first `end` characters.
    private static func estimate(_ characters: [Character], dictionary: FrequencyDictionary) -> Double {
        let count = characters.count
        guard count > 0 else { return 0 }
        var best = [Double](repeating: .infinity, count: count + 1)
        best[0] = 0
        for end in 1...count {
            for start in 0..<end {
                let piece = Array(characters[start..<end])
                best[end] = min(best[end], best[start] + cheapest(piece, dictionary: dictionary))
            }
        }
        return best[count]
    }

    /// log₁₀ guesses of one piece: brute force, or the cheapest pattern that covers it whole (at least ten guesses).
    private static func cheapest(_ piece: [Character], dictionary: FrequencyDictionary) -> Double {
        var guesses = Double(piece.count)  // brute force: 10 per character
        if piece.count >= 3 {
            for pattern in [dictionaryGuesses(piece, dictionary), repeatGuesses(piece, dictionary), sequenceGuesses(piece),
                            keyboardGuesses(piece)] {
                if let pattern { guesses = min(guesses, max(1, pattern)) }
            }
        }
        return guesses
    }

    // MARK: patterns (each returns log₁₀ guesses, nil when the piece is not that pattern)

    /// A common password, possibly capitalised, with l33t digits and symbols, or reversed: its rank in the list,
    /// doubled for each of those disguises.
    private static func dictionaryGuesses(_ piece: [Character], _ dictionary: FrequencyDictionary) -> Double? {
        guard piece.count <= 32 else { return nil }
        let lower = String(piece).lowercased()
        var candidates: [(word: String, disguises: Int)] = [(lower, 0), (String(lower.reversed()), 1)]
        for table in l33tTables {
            let plain = String(lower.map { table[$0] ?? $0 })
            if plain != lower { candidates += [(plain, 1), (String(plain.reversed()), 2)] }
        }
        let capitals = piece.contains { $0.isUppercase } ? 1 : 0
        let ranks = candidates.compactMap { candidate in
            dictionary.rank(of: candidate.word).map { log10(Double($0)) + Double(candidate.disguises + capitals) * log10(2) }
        }
        return ranks.min()
    }

    /// The piece is one unit written several times: the unit's own guesses times the count.
    private static func repeatGuesses(_ piece: [Character], _ dictionary: FrequencyDictionary) -> Double? {
        for period in 1...(piece.count / 2) where piece.count % period == 0 {
            let unit = Array(piece[0..<period])
            let times = piece.count / period
            guard (1..<times).allSatisfy({ Array(piece[($0 * period)..<(($0 + 1) * period)]) == unit }) else { continue }
            return estimate(unit, dictionary: dictionary) + log10(Double(times))
        }
        return nil
    }

    /// Letters or digits of one kind stepping by the same amount (1 to 5, up or down): `abcdef`, `13579`, `zyx`.
    private static func sequenceGuesses(_ piece: [Character]) -> Double? {
        let scalars = piece.compactMap { $0.unicodeScalars.count == 1 ? $0.unicodeScalars.first?.value : nil }
        guard scalars.count == piece.count, let first = piece.first else { return nil }
        let step = Int(scalars[1]) - Int(scalars[0])
        guard step != 0, abs(step) <= 5,
              zip(scalars, scalars.dropFirst()).allSatisfy({ Int($1) - Int($0) == step }),
              piece.allSatisfy({ $0.isNumber && $0.isASCII }) || piece.allSatisfy({ $0.isLowercase && $0.isASCII })
                || piece.allSatisfy({ $0.isUppercase && $0.isASCII }) else { return nil }
        let base: Double = "az09AZ1".contains(first) ? 4 : (first.isNumber ? 10 : 26)
        return log10(base * Double(piece.count) * (step < 0 ? 2 : 1))
    }

    /// Neighbouring keys of a QWERTY keyboard (`qwerty`, `asdfgh`, `1qaz2wsx`): zxcvbn's count over the walk's length
    /// and turns, doubled when shifted keys are in it.
    private static func keyboardGuesses(_ piece: [Character]) -> Double? {
        var turns = 0
        var direction: Int?
        for (from, to) in zip(piece, piece.dropFirst()) {
            guard let step = KeyboardLayout.qwerty.direction(from: from, to: to) else { return nil }
            if step != direction { turns += 1 }
            direction = step
        }
        let length = piece.count
        let starts = Double(KeyboardLayout.qwerty.keyCount), degree = KeyboardLayout.qwerty.averageDegree
        var guesses = 0.0
        for walked in 2...length {
            for turn in 1...min(turns, walked - 1) {
                guesses += binomial(walked - 1, turn - 1) * starts * pow(degree, Double(turn))
            }
        }
        let shifted = piece.contains { KeyboardLayout.qwerty.isShifted($0) }
        return log10(guesses) + (shifted ? log10(2) : 0)
    }

    private static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var result = 1.0
        for index in 0..<k { result = result * Double(n - index) / Double(index + 1) }
        return result
    }

    /// Common l33t substitutions, as alternatives where one symbol stands for two letters.
    private static let l33tTables: [[Character: Character]] = [
        ["4": "a", "@": "a", "8": "b", "(": "c", "3": "e", "6": "g", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t",
         "+": "t", "2": "z", "%": "x"],
        ["1": "l", "|": "l", "7": "l", "9": "g"],
    ]
}
