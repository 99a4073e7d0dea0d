import AMSPKI
import Foundation
import Testing

@Suite("Private keys at rest")
struct KeyProtectionTests {
    let cheap = PassphraseKeyWrap(cost: .init(log2N: 10))

    @Test("a passphrase-wrapped key opens with its passphrase and signs like the original")
    func passphraseRoundTrip() throws {
        let key = try SigningKey.generate(.p256)
        let wrapped = try cheap.wrap(key, passphrase: "kata sandi yang panjang")
        let opened = try PassphraseKeyWrap.unwrap(wrapped, passphrase: "kata sandi yang panjang", algorithm: .p256)
        #expect(opened.publicKey == key.publicKey)
        #expect(!String(decoding: wrapped, as: UTF8.self).contains("kata sandi"))
    }

    @Test("a wrong passphrase, a flipped byte or a weakened cost header is refused")
    func passphraseRefusals() throws {
        let key = try SigningKey.generate(.p256)
        let wrapped = try cheap.wrap(key, passphrase: "kata sandi yang panjang")
        #expect(throws: PKIError.wrongPassphrase) {
            try PassphraseKeyWrap.unwrap(wrapped, passphrase: "kata sandi yang salah", algorithm: .p256)
        }
        var flipped = wrapped
        flipped[flipped.count - 5] ^= 0x01
        #expect(throws: PKIError.wrongPassphrase) {
            try PassphraseKeyWrap.unwrap(flipped, passphrase: "kata sandi yang panjang", algorithm: .p256)
        }
        var weakened = wrapped
        weakened[6] = 11  // log2(N) from 10 to 11: the header is authenticated, so the key does not open
        #expect(throws: PKIError.wrongPassphrase) {
            try PassphraseKeyWrap.unwrap(weakened, passphrase: "kata sandi yang panjang", algorithm: .p256)
        }
        #expect(throws: PKIError.sealedKeyUnreadable) {
            try PassphraseKeyWrap.unwrap(Array(wrapped.prefix(20)), passphrase: "x", algorithm: .p256)
        }
    }

    @Test("the same passphrase in composed and decomposed Unicode opens the key")
    func unicodeNormalisation() throws {
        let key = try SigningKey.generate(.p256)
        let wrapped = try cheap.wrap(key, passphrase: "Kopi\u{00E9} pagi hari ini")
        let opened = try PassphraseKeyWrap.unwrap(wrapped, passphrase: "Kopie\u{0301} pagi hari ini", algorithm: .p256)
        #expect(opened.publicKey == key.publicKey)
    }

    @Test("a CA key sealed under the KEK opens only with that KEK, label and algorithm", arguments: KeyAlgorithm.allCases.filter { $0 != .rsa4096 })
    func sealedCAKey(algorithm: KeyAlgorithm) throws {
        let kek = KeyEncryptionKey.random()
        let key = try SigningKey.generate(algorithm)
        let sealed = try kek.seal(key, label: "issuing")
        #expect(try kek.open(sealed, label: "issuing", algorithm: algorithm).publicKey == key.publicKey)
        #expect(throws: PKIError.sealedKeyUnreadable) { try KeyEncryptionKey.random().open(sealed, label: "issuing", algorithm: algorithm) }
        #expect(throws: PKIError.sealedKeyUnreadable) { try kek.open(sealed, label: "root", algorithm: algorithm) }
        let der = key.derRepresentation
        #expect(!sealed.windows(ofCount: 16).contains { Array($0) == Array(der.suffix(16)) })
    }
}

extension Array {
    func windows(ofCount count: Int) -> [ArraySlice<Element>] {
        guard self.count >= count else { return [] }
        return (0...(self.count - count)).map { self[$0..<($0 + count)] }
    }
}
