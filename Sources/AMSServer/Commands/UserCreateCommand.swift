import AMSCore
import Fluent
import Vapor

/// `ams user create`: creates a staff account from the shell; its initial password goes out by mail (or to the
/// outbox when SMTP is not configured), never to the terminal.
struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "Sign-in name (3–32 lower-case letters, digits, . _ -)") var username: String?
        @Option(name: "email", help: "Official e-mail address") var email: String?
        @Option(name: "name", help: "Full name") var name: String?
        @Option(name: "role", help: "agency_operator, ca_operator, administrator or auditor") var role: String?
        @Option(name: "agency", help: "Agency code (for agency operators)") var agency: String?
        @Option(name: "nik", help: "NIK (16 digits), optional") var nik: String?
        @Option(name: "locale", help: "Mail language: id (default) or en") var locale: String?
    }

    var help: String { "Creates an operator, administrator or auditor account and mails its initial password." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let user = try await Self.create(app: app, signature: signature)
        context.console.print("Created \(user.role.rawValue) account '\(user.username)'; the initial password was queued for \(user.email).")
    }

    static func create(app: Application, signature: Signature) async throws -> UserModel {
        guard let role = signature.role.flatMap(Role.init(rawValue:)), role != .applicant else {
            throw CommandFailure("--role must be agency_operator, ca_operator, administrator or auditor")
        }
        var agencyID: String?
        if let code = signature.agency {
            guard let agency = try await AgencyModel.query(on: app.db).filter(\.$code == code.uppercased()).first() else {
                throw CommandFailure("no agency with code \(code)")
            }
            agencyID = agency.id?.uuidString
        }
        let input = AccountService.AccountInput(username: signature.username ?? "", email: signature.email ?? "",
                                                fullName: signature.name ?? "", nik: signature.nik, role: role.rawValue,
                                                agencyID: agencyID, locale: AppLocale(rawValue: signature.locale ?? "id") ?? .default)
        do {
            return try await AccountService(services: app.ams, database: app.db).createAccount(input, context: .system("cli"))
        } catch let invalid as ValidationError {
            throw CommandFailure(invalid)
        }
    }
}
