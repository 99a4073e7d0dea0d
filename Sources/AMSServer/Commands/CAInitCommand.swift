import AMSPKI
import Vapor

/// `ams ca init`: creates the root CA, the issuing CA and the OCSP responder certificate with the given names,
/// algorithm and lifetimes (otherwise the first `ams serve` does it with the configured defaults). Refuses when a
/// CA exists: replacing a CA is a key ceremony, not a command.
struct CAInitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "root-name", help: "Common name of the root CA (default: AMS_CA_ROOT_NAME or \"AMS Root CA\")") var rootName: String?
        @Option(name: "issuing-name", help: "Common name of the issuing CA (default: AMS_CA_ISSUING_NAME or \"AMS Issuing CA\")") var issuingName: String?
        @Option(name: "organization", help: "Organisation (O) of both CAs") var organization: String?
        @Option(name: "algorithm", help: "ecdsa-p256 (default), ecdsa-p384, rsa-2048, rsa-3072 or rsa-4096") var algorithm: String?
        @Option(name: "root-days", help: "Root CA lifetime in days (default 7300)") var rootDays: Int?
        @Option(name: "issuing-days", help: "Issuing CA lifetime in days (default 3650)") var issuingDays: Int?
    }

    var help: String { "Creates the certificate authority (root, issuing CA, OCSP responder)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let services = context.application.ams
        var settings = services.configuration.certificates
        if let name = signature.rootName { settings.names.rootCommonName = name }
        if let name = signature.issuingName { settings.names.issuingCommonName = name }
        if let organization = signature.organization { settings.names.organization = organization }
        if let text = signature.algorithm {
            guard let algorithm = KeyAlgorithm(rawValue: text) else {
                throw CommandFailure("--algorithm must be one of \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.caKeyAlgorithm = algorithm
        }
        if let days = signature.rootDays { settings.rootLifetimeDays = days }
        if let days = signature.issuingDays { settings.issuingLifetimeDays = days }
        let limit = CertificateProfile.nameAttributeLimit
        for name in [settings.names.rootCommonName, settings.names.issuingCommonName, settings.names.organization]
        where RegistrationService.plainText(name, range: 1...limit) != name {
            throw CommandFailure("CA names must be 1 to \(limit) printable characters on one line")
        }
        guard settings.issuingLifetimeDays > 0, settings.rootLifetimeDays > settings.issuingLifetimeDays else {
            throw CommandFailure("--root-days must be longer than --issuing-days, and both positive")
        }
        let created = try await CertificateAuthoritySetup(services: services)
            .initialize(settings: settings, context: .system("cli"), on: context.application.db)
        guard created else { throw CommandFailure("a certificate authority exists already; nothing was changed") }
        let loaded = try await services.caKeys.current(on: context.application.db)
        context.console.print("Created the certificate authority (\(settings.caKeyAlgorithm.displayName)):")
        for authority in [loaded.root, loaded.issuing, loaded.responder] {
            context.console.print("  \(authority.label): \(authority.certificate.subject), valid until \(authority.certificate.notValidAfter)")
        }
    }
}
