import AMSCore
import AMSTestTools
import Foundation
import Testing

/// Security finding (medium): trivial passwords passed the policy. AMS now estimates strength as zxcvbn does and
/// refuses a score below 3; zxcvbn itself (PyPI `zxcvbn` 4.5.0) is the oracle.
@Suite("Password strength: repeats, sequences, keyboard walks and disguised words are refused, as zxcvbn would")
struct PasswordStrengthTests {
    /// The passwords the assessment found accepted.
    static let trivial = ["aaaaaaaaaaaa", "111111111111", "123456789012", "abcabcabcabc", "passwordpassword", "qwertyuiopasdf",
                          "P@ssw0rdP@ssw0rd", "qazwsxedcrfvtgb", "zyxwvutsrqponm", "1q2w3e4r5t6y7u", "dragondragon12"]
    /// Passphrases people choose and the suite uses: they must keep passing.
    static let good = ["ladang jagung di bukit", "kopi tubruk di pagi hari", "Gulai Ikan Karang 2026!", "tanda tangan elektronik aman",
                       "pohon kelapa di pantai", "Rendang Padang Pedas 2026!", "Kopi Solok Manis 2026!", "sate padang pedas sekali",
                       "another long phrase", "Xk7#pQ2m!Zr9", "Kopi Solok Manis 0 Pagi!", "Gulai Ikan Karang 01!", "gunung api di kejauhan",
                       "sawah hijau membentang luas"]

    /// zxcvbn's score for each password, in one run of the reference implementation.
    static func zxcvbnScores(_ passwords: [String]) throws -> [Int] {
        let script = "import json,sys,zxcvbn; print(json.dumps([zxcvbn.zxcvbn(p)['score'] for p in json.load(sys.stdin)]))"
        let output = try ExternalTool.run(["python3", "-c", script], input: Array(try JSONEncoder().encode(passwords)))
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONDecoder().decode([Int].self, from: Data(output.stdout.utf8))
    }

    @Test func trivialPasswordsAreRefusedAndZxcvbnAgrees() throws {
        // act
        let reference = try Self.zxcvbnScores(Self.trivial)
        // check
        for (password, zxcvbn) in zip(Self.trivial, reference) {
            let ours = PasswordStrength(password).score
            #expect(ours < PasswordStrength.requiredScore, "\(password): AMS \(ours)")
            #expect(zxcvbn < PasswordStrength.requiredScore, "\(password): zxcvbn \(zxcvbn) (the sample is wrong)")
            #expect(!PasswordPolicy().violations(of: password, context: .init(username: "budi", email: "budi@bssn.go.id")).isEmpty)
        }
    }

    @Test func passphrasesPassAndZxcvbnAgrees() throws {
        let reference = try Self.zxcvbnScores(Self.good)
        for (password, zxcvbn) in zip(Self.good, reference) {
            let ours = PasswordStrength(password).score
            #expect(ours >= PasswordStrength.requiredScore, "\(password): AMS \(ours)")
            #expect(zxcvbn >= PasswordStrength.requiredScore, "\(password): zxcvbn \(zxcvbn) (the sample is wrong)")
            #expect(PasswordPolicy().violations(of: password, context: .init(username: "budi", email: "budi@bssn.go.id")).isEmpty)
        }
    }

    @Test func scoresStayWithinOneOfZxcvbnOnAMixedSample() throws {
        // setup: short and long, words, digits, walks, l33t, reversed, random
        let sample = ["monkey", "m0nk3y", "yeknom", "Monkey2024", "iloveyou", "iloveyou123", "asdfghjkl", "zxcvbnm,./",
                      "qwerty123456", "abcdefghijklmnop", "9876543210", "aaaabbbbcccc", "correct horse battery staple",
                      "Tr0ub4dor&3", "kucing hitam lari", "bismillah", "indonesia123", "jakarta2020", "K#9vL!2qW@7z",
                      "sayang", "rahasia", "merdeka45"]
        // act
        let reference = try Self.zxcvbnScores(sample)
        // check
        for (password, zxcvbn) in zip(sample, reference) {
            let ours = PasswordStrength(password).score
            #expect(abs(ours - zxcvbn) <= 1, "\(password): AMS \(ours), zxcvbn \(zxcvbn)")
        }
    }
}
