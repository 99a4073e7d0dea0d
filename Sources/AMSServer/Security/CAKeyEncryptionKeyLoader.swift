import AMSPKI
import Foundation

/// Finds the key-encryption key of the CA private keys: `AMS_CA_KEK` (64 hex digits or base64 of 32 bytes) or the
/// file `AMS_CA_KEK_FILE`, created with mode 0600 on first start. It never lives in the database, so a copy of the
/// database alone does not give the CA keys away.
enum CAKeyEncryptionKeyLoader {
    static func load(_ settings: CertificateSettings) throws -> KeyEncryptionKey {
        if let value = settings.keyEncryptionKeyValue {
            guard let bytes = decode(value) else { throw ConfigurationError("AMS_CA_KEK must be 32 bytes as 64 hex digits or base64") }
            return try KeyEncryptionKey(bytes: bytes)
        }
        let path = settings.keyEncryptionKeyFile
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = decode(text) else { throw ConfigurationError("AMS_CA_KEK_FILE (\(path)) must hold 64 hexadecimal digits") }
            return try KeyEncryptionKey(bytes: bytes)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard manager.createFile(atPath: path, contents: Data((bytes.hexString + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot create the CA key-encryption key file \(path)")
        }
        return try KeyEncryptionKey(bytes: bytes)
    }

    static func decode(_ text: String) -> [UInt8]? {
        if let hex = [UInt8](hex: text), hex.count == 32 { return hex }
        if let data = Data(base64Encoded: text), data.count == 32 { return Array(data) }
        return nil
    }
}
