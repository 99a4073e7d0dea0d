import Vapor

/// `ams crl publish`: makes and stores a new full CRL of each CA now (as a revocation or the schedule would), for
/// operators after a restore or from their own scheduler; prints each list's number, entries and size.
struct CRLPublishCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Publishes a new CRL of each CA now." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let published = try await CRLPublisher(services: context.application.ams).publish(on: context.application.db)
        for list in published {
            context.console.print("\(list.label): CRL number \(list.number), \(list.entries) entries, \(list.bytes) bytes")
        }
    }
}
