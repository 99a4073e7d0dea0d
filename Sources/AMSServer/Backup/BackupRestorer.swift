import Foundation

/// `ams backup restore DIR`: checks every file of the backup against its manifest, then puts the database copy and
/// the documents in place — only into an empty installation (no SQLite file, or a PostgreSQL schema without tables;
/// an empty document folder), never over data. It runs before AMS opens the database (which would create an empty
/// schema first); the next start, or `ams migrate`, brings an older copy's schema up to date. The server key and
/// the CA's key-encryption key come back from where they are kept, not from the backup.
package struct BackupRestorer {
    let configuration: AppConfiguration

    package init(configuration: AppConfiguration) {
        self.configuration = configuration
    }

    /// Restores `directory`, telling `report` what it did.
    package func restore(from directory: String, report: (String) -> Void) throws {
        let manifest = try BackupManifest.read(from: directory)
        for (name, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard try BackupFiles.sha256(of: directory + "/" + name) == expected else {
                throw BackupError("\(name) does not match its checksum in the manifest: the backup is damaged")
            }
        }
        report("backup of \(manifest.createdAt) checked: \(manifest.files.count) files match their checksums")
        guard BackupFiles.isMissingOrEmpty(configuration.attachmentDirectory) else {
            throw BackupError("\(configuration.attachmentDirectory) holds files: a restore goes only into an empty installation")
        }
        let source = directory + "/" + manifest.databaseFile
        switch configuration.database {
        case .postgres(let url, let schema):
            guard manifest.engine == "postgresql" else { throw BackupError("this is a \(manifest.engine) backup; AMS_DATABASE_URL names PostgreSQL") }
            let tools = PostgresClientTools(url: url, schema: schema)
            guard try tools.tableCount() == 0 else {
                throw BackupError("the database schema \(schema ?? "public") holds tables: a restore goes only into an empty one")
            }
            // the copy creates its schema itself; an empty one made beforehand (by an earlier start) makes way
            if let schema, schema != "public" { try tools.run("psql", ["--no-psqlrc", "--command", "DROP SCHEMA IF EXISTS \"\(schema)\""]) }
            try tools.run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", source])
        case .sqliteFile(let path):
            guard manifest.engine == "sqlite" else { throw BackupError("this is a \(manifest.engine) backup; AMS_DATABASE_URL names SQLite") }
            guard ["", "-wal", "-shm"].allSatisfy({ !FileManager.default.fileExists(atPath: path + $0) }) else {
                throw BackupError("\(path) exists: a restore goes only into an empty installation")
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try BackupFiles.copy(source, to: path)
        case .sqliteMemory:
            throw BackupError("an in-memory database cannot be restored into")
        }
        report("database restored (\(manifest.engine), schema \(manifest.schema))")
        let documents = manifest.files.keys.filter { $0.hasPrefix(BackupCreator.attachmentsFolder + "/") }.sorted()
        if !documents.isEmpty {
            try FileManager.default.createDirectory(atPath: configuration.attachmentDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        for name in documents {
            try BackupFiles.copy(directory + "/" + name, to: configuration.attachmentDirectory + "/" + String(name.dropFirst(BackupCreator.attachmentsFolder.count + 1)))
        }
        report("\(documents.count) documents restored to \(configuration.attachmentDirectory)")
        let numbers = manifest.crlNumbers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        report("CRL numbers at the backup: \(numbers.isEmpty ? "none published" : numbers); the next ones follow the clock, above every number published since")
    }
}
