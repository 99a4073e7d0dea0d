import Fluent
import Foundation
import SQLKit

/// `ams backup create DIR`: a consistent copy of the database — SQLite's `VACUUM INTO` (one read transaction: the
/// copy is the database as of one moment, while AMS keeps serving) or `pg_dump` (one snapshot) — then the request
/// documents, then `manifest.json` with every file's SHA-256, written last so a folder with a manifest is complete.
/// Documents are written before the rows that name them commit, so every document the copied database names is
/// there. The server key and the CA's key-encryption key are never copied.
struct BackupCreator {
    let configuration: AppConfiguration
    let database: any Database
    let now: Date

    static let attachmentsFolder = "attachments"

    func create(in directory: String) async throws -> BackupManifest {
        try BackupFiles.prepareEmptyFolder(directory, purpose: "a backup")
        let crlNumbers = try await CRLStateModel.query(on: database).with(\.$authority).all()
            .reduce(into: [String: Int64]()) { $0[$1.authority.role.rawValue] = $1.number }
        var files: [String: String] = [:]
        let engine: String, databaseFile: String
        switch configuration.database {
        case .postgres(let url, let schema):
            (engine, databaseFile) = ("postgresql", "database.pgdump")
            var arguments = ["--format=custom", "--no-owner", "--no-privileges", "--no-comments", "--file=\(directory)/\(databaseFile)"]
            if let schema { arguments.append("--schema=\(schema)") }
            try PostgresClientTools(url: url, schema: schema).run("pg_dump", arguments)
        case .sqliteFile, .sqliteMemory:
            (engine, databaseFile) = ("sqlite", "database.sqlite")
            try await (database as! any SQLDatabase).raw("VACUUM INTO \(bind: directory + "/" + databaseFile)").run()
        }
        // the copy holds every account's hash and every sealed key: readable by the owner only
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/" + databaseFile)
        files[databaseFile] = try BackupFiles.sha256(of: directory + "/" + databaseFile)
        try BackupFiles.prepareEmptyFolder(directory + "/" + Self.attachmentsFolder, purpose: "a backup's documents")
        for name in try Self.attachmentFiles(in: configuration.attachmentDirectory) {
            let relative = Self.attachmentsFolder + "/" + name
            files[relative] = try BackupFiles.copy(configuration.attachmentDirectory + "/" + name, to: directory + "/" + relative)
        }
        let manifest = BackupManifest(createdAt: now, engine: engine, databaseFile: databaseFile, files: files,
                                      schema: Migrations.all.last!.name, crlNumbers: crlNumbers)
        try manifest.write(to: directory)
        return manifest
    }

    /// The stored documents (`<uuid>.pdf`) of an attachment folder; none when it does not exist yet.
    static func attachmentFiles(in folder: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
            name.hasSuffix(".pdf") && FileAttachmentStore.isValidKey(String(name.dropLast(4)))
        }.sorted()
    }
}
