import Foundation

/// `manifest.json` of a backup folder: what was copied, each file's SHA-256, and facts a restore reports. It holds no
/// secret: the server key and the CA's key-encryption key are never part of a backup (see the README).
struct BackupManifest: Codable, Equatable {
    static let fileName = "manifest.json"
    static let currentFormat = 1

    var format = currentFormat
    var createdAt: Date
    /// `sqlite` or `postgresql`.
    var engine: String
    /// The database copy's file name in the folder (`database.sqlite` or `database.pgdump`).
    var databaseFile: String
    /// File name (relative to the folder) → SHA-256 in hex: the database copy and every attachment.
    var files: [String: String]
    /// The newest migration the copied schema had.
    var schema: String
    /// Each CA's current CRL number when the copy was taken (by the CA's role).
    var crlNumbers: [String: Int64]

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.fileName), options: .atomic)
    }

    static func read(from directory: String) throws -> BackupManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { throw BackupError("\(path) is missing: not a backup folder") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError("\(path) cannot be read")
        }
        guard manifest.format == currentFormat else { throw BackupError("\(path) is of format \(manifest.format); this AMS reads \(currentFormat)") }
        return manifest
    }
}
