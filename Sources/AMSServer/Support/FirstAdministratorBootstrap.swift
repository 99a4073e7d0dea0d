import AMSCore
import Fluent
import Foundation
import Vapor

/// On the very first start (no accounts at all) creates the administrator `admin` with a random 8-character
/// one-time password and prints it once to the terminal (standard output, not the logger), never again.
struct FirstAdministratorBootstrap: LifecycleHandler {
    func willBootAsync(_ application: Application) async throws {
        let services = application.ams
        guard let credentials = try await Self.createIfNeeded(services: services, database: application.db,
                                                              email: Environment.get("AMS_ADMIN_EMAIL") ?? "admin@ams.localhost") else { return }
        let banner = """

        ================================================================
         AMS first start: the first administrator account was created.
           Sign in at : \(services.configuration.publicBaseURL)/login
           Username   : \(credentials.username)
           Password   : \(credentials.password)
         The password works once, for \(Int(services.configuration.tokenPolicy.initialPasswordLifetime / 3600)) hours: you will choose
         your own at the first sign-in. It is shown only now and is not logged.
        ================================================================

        """
        FileHandle.standardOutput.write(Data(banner.utf8))
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
