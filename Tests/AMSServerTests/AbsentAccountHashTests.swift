@testable import AMSServer
import AMSCore
import NIOConcurrencyHelpers
import NIOPosix
import Testing

@Suite("The hash verified for sign-ins that name no account")
struct AbsentAccountHashTests {
    /// Real bcrypt (cost 4), counting how often a hash is made.
    final class CountingHashing: PasswordHashing {
        let inner: BcryptPasswordHashing
        let made = NIOLockedValueBox(0)
        init(threadPool: NIOThreadPool) { inner = BcryptPasswordHashing(cost: 4, threadPool: threadPool) }
        func hash(_ password: String) async throws -> String {
            made.withLockedValue { $0 += 1 }
            return try await inner.hash(password)
        }
        func verify(_ password: String, against hash: String) async throws -> Bool { try await inner.verify(password, against: hash) }
    }

    @Test func madeOnFirstUseOnlyOnceAndMatchingNoPassword() async throws {
        let hashing = CountingHashing(threadPool: NIOThreadPool.singleton)
        let absent = AbsentAccountHash(hashing: hashing, random: SystemRandomSource())
        #expect(hashing.made.withLockedValue { $0 } == 0)
        let first = try await absent.value()
        let second = try await absent.value()
        #expect(hashing.made.withLockedValue { $0 } == 1)
        #expect(first == second && first.hasPrefix("$2b$04$"))
        for guess in ["", "password", "admin", first] {
            #expect(try await hashing.verify(guess, against: first) == false)
        }
    }
}
