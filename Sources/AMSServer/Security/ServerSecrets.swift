import Crypto
import Foundation

/// The server's own secret, kept in a file outside the database (so a database dump alone can neither forge
/// audit entries nor open sealed mail), and the purpose-bound keys derived from it with HKDF-SHA256.
public struct ServerSecrets: Sendable {
    public let auditChainKey: SymmetricKey
    public let outboxSealingKey: SymmetricKey
    public let csrfKey: SymmetricKey
    /// Signs the public form's proof-of-work challenges (``FormChallenge``).
    public let formChallengeKey: SymmetricKey

    public init(masterKey: SymmetricKey) {
        func derive(_ purpose: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, salt: Data("ams-v1".utf8),
                                   info: Data(purpose.utf8), outputByteCount: 32)
        }
        self.auditChainKey = derive("audit-chain")
        self.outboxSealingKey = derive("outbox-sealing")
        self.csrfKey = derive("csrf")
        self.formChallengeKey = derive("form-challenge")
    }

    /// Reads the 32-byte key (64 hex digits) from `path`, creating it with mode 0600 on first use.
    public static func loadOrCreate(path: String) throws -> ServerSecrets {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Self.hexBytes(text), bytes.count == 32 else {
                throw ConfigurationError("AMS_SECRET_KEY_FILE (\(path)) must hold 64 hexadecimal digits")
            }
            return ServerSecrets(masterKey: SymmetricKey(data: bytes))
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        }
        let key = SymmetricKey(size: .bits256)
        let hex = key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        guard manager.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot create the secret key file \(path)")
        }
        return ServerSecrets(masterKey: key)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
