import AMSPKI
import Crypto
import Foundation

/// File work of backups: copies that hash what they copy in the same pass, hashes of files, folders that must be
/// new or empty.
enum BackupFiles {
    static let chunk = 1 << 20

    /// Copies `source` to `destination` (mode 0600, written under a temporary name, flushed, then renamed) and
    /// returns the SHA-256 of the bytes copied.
    @discardableResult
    static func copy(_ source: String, to destination: String) throws -> String {
        guard let input = FileHandle(forReadingAtPath: source) else { throw BackupError("cannot read \(source)") }
        defer { try? input.close() }
        let temporary = destination + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: temporary) else { throw BackupError("cannot write \(temporary)") }
        var hash = SHA256()
        do {
            while let data = try input.read(upToCount: chunk), !data.isEmpty {
                hash.update(data: data)
                try output.write(contentsOf: data)
            }
            try output.synchronize()
            try output.close()
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw BackupError("copying \(source) failed: \(error.localizedDescription)")
        }
        guard rename(temporary, destination) == 0 else { throw BackupError("cannot write \(destination)") }
        return Array(hash.finalize()).hexString
    }

    /// The SHA-256 of a file, read a chunk at a time.
    static func sha256(of path: String) throws -> String {
        guard let input = FileHandle(forReadingAtPath: path) else { throw BackupError("\(path) is missing") }
        defer { try? input.close() }
        var hash = SHA256()
        while let data = try input.read(upToCount: chunk), !data.isEmpty { hash.update(data: data) }
        return Array(hash.finalize()).hexString
    }

    /// Makes `path` a new folder (mode 0700), or accepts an existing empty one; anything else is refused.
    static func prepareEmptyFolder(_ path: String, purpose: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try FileManager.default.contentsOfDirectory(atPath: path)).isEmpty else {
                throw BackupError("\(path) is not an empty folder: \(purpose) goes only into a new or empty one")
            }
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Whether `path` is missing or an empty folder.
    static func isMissingOrEmpty(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        return (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty ?? false
    }
}
