import AMSCore
import Testing

@Suite("Initial passwords and tokens")
struct GeneratorTests {
    @Test func initialPasswordHasEightUnambiguousCharacters() {
        // setup
        let generator = InitialPasswordGenerator(random: SystemRandomSource())
        let ambiguous = Set("0Oo1lI")
        // act
        let passwords = (0..<500).map { _ in generator.generate() }
        // check
        for password in passwords {
            #expect(password.count == 8)
            #expect(password.allSatisfy { InitialPasswordGenerator.alphabet.contains($0) })
            #expect(!password.contains(where: ambiguous.contains))
        }
        #expect(Set(passwords).count == passwords.count)
    }

    @Test func initialPasswordDrawsEverySymbol() {
        let generator = InitialPasswordGenerator(random: SeededRandomSource(seed: 42))
        let seen = Set((0..<2000).flatMap { _ in generator.generate() })
        #expect(seen == Set(InitialPasswordGenerator.alphabet))
    }

    @Test func rejectionSamplingSkipsBiasedBytes() {
        // 56 symbols: bytes >= 224 (= 4 * 56) are rejected; 224 and 255 must be skipped, 3 maps to 'D'.
        #expect(InitialPasswordGenerator.alphabet.count == 56)
        let generator = InitialPasswordGenerator(random: ScriptedRandomSource([224, 255, 3, 0, 0, 0, 0, 0, 0, 55]))
        #expect(generator.generate() == "DAAAAAA9")
    }

    @Test func systemRandomGivesExactlyTheBytesAskedFor() {
        // drawn eight at a time: counts around and between multiples of eight
        for count in [0, 1, 7, 8, 9, 10, 16, 33] {
            #expect(SystemRandomSource().bytes(count: count).count == count)
        }
        // every byte value turns up, none stuck (8192 bytes: each value about 32 times)
        #expect(Set(SystemRandomSource().bytes(count: 8192)).count == 256)
    }

    @Test func tokensCarry256BitsInURLSafeForm() {
        let token = SecureToken(random: SystemRandomSource())
        #expect(token.value.count == 43)
        #expect(SecureToken.isWellFormed(token.value))
        #expect(!token.value.contains("+") && !token.value.contains("/") && !token.value.contains("="))
        #expect(!SecureToken.isWellFormed(token.value + "A"))
        #expect(!SecureToken.isWellFormed(String(token.value.dropLast()) + "!"))
    }

    @Test func singleUseTokenIsUsableOnlyUnusedAndBeforeExpiry() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let expiry = now.addingTimeInterval(3600)
        #expect(TokenPolicy.isUsable(expiresAt: expiry, usedAt: nil, now: now))
        #expect(!TokenPolicy.isUsable(expiresAt: expiry, usedAt: nil, now: expiry))
        #expect(!TokenPolicy.isUsable(expiresAt: expiry, usedAt: now, now: now))
        #expect(TokenPolicy().initialPasswordLifetime == 72 * 3600)
        #expect(TokenPolicy().passwordResetLifetime == 3600)
    }
}

import Foundation
