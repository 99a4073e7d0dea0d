import AMSCore
import Vapor

/// `ams agency create`: registers an agency and its official e-mail domains.
struct AgencyCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "code", help: "Short code, e.g. DISKOMINFO-SUMBAR") var code: String?
        @Option(name: "name", help: "Agency name") var name: String?
        @Option(name: "domains", help: "Official e-mail domains, comma-separated") var domains: String?
        @Option(name: "certificate-name", help: "The name certificates carry (at most 64 characters; needed when the name is longer)")
        var certificateName: String?
        @Option(name: "time-zone", help: "WIB (default), WITA or WIT: the time zone the agency's pages and mails show")
        var timeZone: String?
    }

    var help: String { "Creates an agency (instansi) with its official e-mail domains." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let input = AgencyService.AgencyInput(code: signature.code ?? "", name: signature.name ?? "", domains: signature.domains ?? "",
                                              certificateName: signature.certificateName ?? "", timeZone: signature.timeZone ?? "")
        do {
            let agency = try await AgencyService(services: context.application.ams, database: context.application.db)
                .create(input, context: .system("cli"))
            context.console.print("Created agency \(agency.code).")
        } catch let invalid as ValidationError {
            throw CommandFailure(invalid)
        }
    }
}
