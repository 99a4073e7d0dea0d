import Foundation
import NIOPosix

/// Documents as files in one folder outside the web root (mode 0700), named by random UUIDs, written to a temporary
/// name, flushed and then renamed, so a crash never leaves half a document under a real key.
struct FileAttachmentStore: AttachmentStore {
    let directory: String
    let threadPool: NIOThreadPool

    func store(_ bytes: [UInt8]) async throws -> String {
        let key = UUID().uuidString.lowercased()
        let directory = self.directory
        try await threadPool.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let final = "\(directory)/\(key).pdf"
            let temporary = "\(directory)/.\(key).part"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else { throw StorageError("cannot create \(temporary)") }
            defer { close(descriptor) }
            var written = 0
            try bytes.withUnsafeBytes { buffer in
                while written < buffer.count {
                    let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    guard result > 0 else { throw StorageError("write failed") }
                    written += result
                }
            }
            guard fsync(descriptor) == 0, rename(temporary, final) == 0 else { throw StorageError("cannot commit \(final)") }
        }
        return key
    }

    func read(_ key: String) async throws -> [UInt8] {
        guard Self.isValidKey(key) else { throw StorageError("bad key") }
        let path = "\(directory)/\(key).pdf"
        return try await threadPool.runIfActive { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    }

    func delete(_ key: String) async {
        guard Self.isValidKey(key) else { return }
        try? FileManager.default.removeItem(atPath: "\(directory)/\(key).pdf")
    }

    func freeBytes() async -> Int64? {
        let directory = self.directory
        return try? await threadPool.runIfActive { () -> Int64? in
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            let attributes = try? FileManager.default.attributesOfFileSystem(forPath: directory)
            return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
        }
    }

    static func isValidKey(_ key: String) -> Bool {
        UUID(uuidString: key) != nil && key == key.lowercased()
    }
}
