@testable import AMSServer
import NIOPosix
import Testing

@Suite("Password hashing")
struct PasswordHashingTests {
    @Test func productionDefaultIsBcryptCost12() async throws {
        // setup
        #expect(AppConfiguration().bcryptCost == 12)
        let hasher = BcryptPasswordHashing(cost: AppConfiguration().bcryptCost, threadPool: .singleton)
        // act
        let hash = try await hasher.hash("sawah hijau membentang luas")
        // check
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(try await hasher.verify("sawah hijau membentang luas", against: hash))
        #expect(try await !hasher.verify("sawah hijau membentang luaS", against: hash))
    }

    @Test func nothingBeyondBcryptsSeventyTwoBytesIsIgnored() async throws {
        let hasher = BcryptPasswordHashing(cost: 4, threadPool: .singleton)
        let prefix = String(repeating: "a", count: 72)
        let hash = try await hasher.hash(prefix + "first ending")
        #expect(try await hasher.verify(prefix + "first ending", against: hash))
        #expect(try await !hasher.verify(prefix + "other ending", against: hash))
        #expect(try await !hasher.verify(prefix, against: hash))
    }

    @Test func aNulByteDoesNotCutThePasswordShort() async throws {
        let hasher = BcryptPasswordHashing(cost: 4, threadPool: .singleton)
        let hash = try await hasher.hash("abc\u{0}defghijklmnop")
        #expect(try await !hasher.verify("abc\u{0}zzzzzzzzzzzz", against: hash))
    }

    @Test func configurationRefusesACostBelow12() {
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["AMS_BCRYPT_COST": "10"]) }
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["AMS_BCRYPT_COST": "abc"]) }
        #expect((try? AppConfiguration.fromEnvironment(["AMS_BCRYPT_COST": "13"]))?.bcryptCost == 13)
    }
}
