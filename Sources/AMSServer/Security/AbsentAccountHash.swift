import AMSCore
import Foundation
import NIOConcurrencyHelpers

/// A hash of a random password nobody knows, made with the live hasher: verified against when a sign-in names no
/// account, so that case takes as long as a wrong password. Made on first use, once (a bcrypt at the configured
/// cost takes a good part of a second, which commands and processes that never sign anyone in should not pay).
final class AbsentAccountHash: Sendable {
    private let made = NIOLockedValueBox<String?>(nil)
    private let make: @Sendable () async throws -> String

    init(hashing: any PasswordHashing, random: any RandomSource) {
        make = { try await hashing.hash(SecureToken(random: random).value) }
    }

    func value() async throws -> String {
        if let hash = made.withLockedValue({ $0 }) { return hash }
        let hash = try await make()
        // Two first sign-ins at once may both make one; every later caller sees the first stored.
        return made.withLockedValue { stored in
            if stored == nil { stored = hash }
            return stored ?? hash
        }
    }
}
