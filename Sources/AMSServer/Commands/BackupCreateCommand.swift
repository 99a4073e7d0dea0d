import Vapor

/// `ams backup create DIR`: a consistent copy of the database and the request documents, with a manifest of
/// checksums, into a new or empty folder (``BackupCreator``); `ams backup restore DIR` puts one back
/// (``BackupRestorer``, run by the executable before the database is opened).
struct BackupCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A new or empty folder for the backup")
        var directory: String
    }

    var help: String { "Copies the database and the documents into DIRECTORY, with a manifest of checksums (no keys)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        do {
            let manifest = try await BackupCreator(configuration: app.ams.configuration, database: app.db, now: app.ams.clock.now)
                .create(in: signature.directory)
            let documents = manifest.files.keys.filter { $0.hasPrefix(BackupCreator.attachmentsFolder + "/") }.count
            context.console.print("backup written to \(signature.directory): \(manifest.engine) database (\(manifest.databaseFile)), "
                + "\(documents) documents, manifest.json with \(manifest.files.count) checksums")
            context.console.print("not in it: the server key (AMS_SECRET_KEY_FILE) and the CA key-encryption key (AMS_CA_KEK_FILE); keep those apart")
        } catch let error as BackupError {
            throw CommandFailure(error.description)
        }
    }
}
