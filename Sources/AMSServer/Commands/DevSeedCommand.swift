import AMSCore
import Fluent
import Vapor

/// `ams dev seed --requests N --certificates N --audit N`: fills a new, empty installation with made-up data at the
/// sizes of a province or a country (agencies and their operators, registration requests in every SOP step with
/// their step timings, issued and revoked certificates, audit entries), for the page benchmark and for anyone who
/// wants to try AMS at scale. Refuses a database that already holds registration requests or certificates: it is
/// never run on real data.
struct DevSeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "requests", help: "Registration requests to make (default 1000)") var requests: Int?
        @Option(name: "certificates", help: "Certificates to make, each with its holder (default 1000)") var certificates: Int?
        @Option(name: "audit", help: "Audit entries to make (default 10000)") var audit: Int?
        @Option(name: "agencies", help: "Agencies to spread them over (default 34)") var agencies: Int?
    }

    var help: String { "Fills an empty installation with made-up data at scale (for benchmarks and trials)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let sizes = DevSeed.Sizes(requests: signature.requests ?? 1000, certificates: signature.certificates ?? 1000,
                                  audit: signature.audit ?? 10_000, agencies: signature.agencies ?? 34)
        guard sizes.requests >= 0, sizes.certificates >= 0, sizes.audit >= 0, (1...1000).contains(sizes.agencies) else {
            throw CommandFailure("--requests, --certificates and --audit must be 0 or more, --agencies 1 to 1000")
        }
        let started = Date()
        do {
            try await DevSeed(services: app.ams, database: app.db).run(sizes) { line in context.console.print(line) }
        } catch let refusal as DevSeed.Refused {
            throw CommandFailure(refusal.message)
        }
        context.console.print(String(format: "seeded in %.0f s", Date().timeIntervalSince(started)))
    }
}
