import AMSCore
import Fluent
import Vapor

/// `ams agency update`: renames an agency or sets the name its certificates carry.
struct AgencyUpdateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "code", help: "The agency's code") var code: String?
        @Option(name: "name", help: "New full name (default: unchanged)") var name: String?
        @Option(name: "certificate-name", help: "The name certificates carry, at most 64 characters (\"\" to use the full name)")
        var certificateName: String?
        @Option(name: "time-zone", help: "WIB, WITA or WIT: the time zone the agency's pages and mails show (default: unchanged)")
        var timeZone: String?
    }

    var help: String { "Renames an agency, sets the name its certificates carry or its time zone." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let code = signature.code?.uppercased(),
              let agency = try await AgencyModel.query(on: app.db).filter(\.$code == code).first() else {
            throw CommandFailure("no agency with the code \(signature.code ?? "")")
        }
        do {
            try await AgencyService(services: app.ams, database: app.db).update(
                agency, name: signature.name ?? agency.name, certificateName: signature.certificateName ?? agency.certificateName ?? "",
                timeZone: signature.timeZone ?? agency.timeZone.abbreviation, context: .system("cli"))
            context.console.print("Updated agency \(agency.code): certificates name it \"\(agency.nameInCertificates)\"; times in \(agency.timeZone.abbreviation).")
        } catch let invalid as ValidationError {
            throw CommandFailure(invalid)
        }
    }
}
