import Foundation

/// Keeps uploaded documents. A seam: production stores files on disk; tests may point it at a temporary folder.
protocol AttachmentStore: Sendable {
    /// Stores `bytes` under a new server-made key and returns it.
    func store(_ bytes: [UInt8]) async throws -> String
    func read(_ key: String) async throws -> [UInt8]
    func delete(_ key: String) async
    /// Free bytes on the file system the documents go to (nil when it cannot be told).
    func freeBytes() async -> Int64?
}
