import Vapor

/// On the first `ams serve`, creates the CA hierarchy with the configured names and algorithm (`ams ca init` does
/// the same with options, before the first start).
struct CertificateAuthorityBootstrap: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let created = try await CertificateAuthoritySetup(services: application.ams)
            .initialize(settings: application.ams.configuration.certificates, context: .system("ca-bootstrap"), on: application.db)
        // an installation from before the TSA gets its unit now
        if !created { try await CertificateAuthoritySetup(services: application.ams).renewTimeStampingIfDue(on: application.db) }
        if created {
            let loaded = try await application.ams.caKeys.current(on: application.db)
            application.logger.notice("certificate authority created", metadata: [
                "root": "\(loaded.root.certificate.subject)", "issuing": "\(loaded.issuing.certificate.subject)",
                "algorithm": "\(loaded.issuing.key.algorithm.rawValue)",
            ])
        }
    }
}
