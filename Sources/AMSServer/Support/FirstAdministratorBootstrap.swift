import AMSCore
import Fluent
import Foundation
import Vapor

/// On the very first start (no accounts at all) creates the administrator `admin` with a random 8-character
/// one-time password. The password goes into a file readable by its owner only (mode 0600) in the data folder; the
/// banner on standard output names the file, never the password (a service's output usually ends up in a log).
struct FirstAdministratorBootstrap: LifecycleHandler {
    func willBootAsync(_ application: Application) async throws {
        let services = application.ams
        guard let credentials = try await Self.createIfNeeded(services: services, database: application.db,
                                                              email: Environment.get("AMS_ADMIN_EMAIL") ?? "admin@ams.localhost") else { return }
        let file = try Self.writeCredentials(credentials, directory: services.configuration.dataDirectory)
        let banner = Self.banner(username: credentials.username, file: file, signInURL: services.configuration.publicBaseURL + "/login",
                                 hours: Int(services.configuration.tokenPolicy.initialPasswordLifetime / 3600))
        FileHandle.standardOutput.write(Data(banner.utf8))
    }

    /// Writes the one-time password to `first-administrator-password.txt` in `directory`, mode 0600 from its
    /// creation (never readable by others, not even briefly); returns the file's path.
    static func writeCredentials(_ credentials: (username: String, password: String), directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: directory).appendingPathComponent("first-administrator-password.txt").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("cannot write \(path)") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw ConfigurationError("cannot restrict \(path) to its owner") }
        let text = Array("username: \(credentials.username)\npassword: \(credentials.password)\n".utf8)
        guard write(descriptor, text, text.count) == text.count else { throw ConfigurationError("cannot write \(path)") }
        return path
    }

    /// What the first start prints: where to sign in, the username, and the file that holds the password.
    static func banner(username: String, file: String, signInURL: String, hours: Int) -> String {
        """

        ================================================================
         AMS first start: the first administrator account was created.
           Sign in at : \(signInURL)
           Username   : \(username)
           Password   : in \(file) (readable by its owner only)
         The password works for one sign-in, within \(hours) hours:
         you choose your own right then. Delete the file afterwards.
        ================================================================

        """
    }

    /// Creates the first administrator when there is no account yet; returns the one-time credentials.
    static func createIfNeeded(services: AMSServices, database: any Database, email: String) async throws -> (username: String, password: String)? {
        guard try await UserModel.query(on: database).count() == 0 else { return nil }
        guard let address = EmailAddress(email) else { throw ConfigurationError("AMS_ADMIN_EMAIL is not a valid e-mail address") }
        let password = services.initialPasswords.generate()
        let hash = try await services.passwordHashing.hash(password)
        let now = services.clock.now
        let user = UserModel(username: "admin", email: address.value, fullName: "Administrator AMS", role: .administrator,
                             agencyID: nil, passwordHash: hash, passwordIsInitial: true,
                             initialPasswordExpiresAt: now.addingTimeInterval(services.configuration.tokenPolicy.initialPasswordLifetime),
                             locale: AppLocale.default.rawValue, now: now)
        do {
            let created: Bool = try await WriteTransaction.run(on: database) { db in
                // Checked again inside the write transaction; if two instances still race, the unique username
                // makes one of them fail, and that one simply finds the administrator already there.
                guard try await UserModel.query(on: db).count() == 0 else { return false }
                try await user.create(on: db)
                try await services.audit.append(.firstAdministratorCreated, context: .system(), targetType: "user",
                                                targetID: user.id!.uuidString, details: ["username": "admin"], on: db)
                return true
            }
            return created ? (user.username, password) : nil
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return nil
        }
    }
}
