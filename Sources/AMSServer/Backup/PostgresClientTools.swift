import Foundation

/// PostgreSQL's own client programs (`pg_dump`, `pg_restore`, `psql`, from Debian's `postgresql-client`) run for a
/// backup or a restore. The connection URL's password goes to the program in `PGPASSWORD`, never on its command
/// line (which `ps` shows), and never into an error message.
struct PostgresClientTools {
    let url: String
    let schema: String?

    /// Runs `program` with `arguments` and the connection; returns its standard output; throws with its standard
    /// error's last lines when it fails.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        guard var components = URLComponents(string: url) else { throw BackupError("AMS_DATABASE_URL is not a URL") }
        var environment = ProcessInfo.processInfo.environment
        if let password = components.password {
            environment["PGPASSWORD"] = password
            components.password = nil
        }
        components.scheme = "postgresql"
        guard let connection = components.string else { throw BackupError("AMS_DATABASE_URL is not a URL") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments + ["--dbname=" + connection]
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw BackupError("\(program) could not be started (Debian package postgresql-client)")
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: err, as: UTF8.self).split(separator: "\n").suffix(5).joined(separator: "\n")
            throw BackupError("\(program) failed (exit \(process.terminationStatus)): \(said.replacingOccurrences(of: url, with: "<database>"))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How many tables the schema AMS uses holds.
    func tableCount() throws -> Int {
        let text = try run("psql", ["--no-psqlrc", "--tuples-only", "--no-align", "--command",
                                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = '\((schema ?? "public").replacingOccurrences(of: "'", with: "''"))'"])
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
