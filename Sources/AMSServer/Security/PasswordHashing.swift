import Crypto
import Foundation
import NIOPosix
import Vapor

/// Hashes and checks passwords. A seam so tests can use a cheaper cost; production refuses a cost below 12.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}

/// bcrypt over a SHA-256 pre-hash (base64, 44 bytes), so passwords longer than bcrypt's 72-byte limit are not
/// silently truncated and NUL bytes cannot cut them short. Runs on the thread pool, never on an event loop.
public struct BcryptPasswordHashing: PasswordHashing {
    public let cost: Int
    private let threadPool: NIOThreadPool

    public init(cost: Int, threadPool: NIOThreadPool) {
        self.cost = cost
        self.threadPool = threadPool
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    public func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(input, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await threadPool.runIfActive { try Bcrypt.verify(input, created: hash) }
    }
}
