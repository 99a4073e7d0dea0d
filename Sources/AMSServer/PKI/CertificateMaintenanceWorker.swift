import Fluent
import Foundation
import Vapor

/// Runs certificate maintenance in the background of `ams serve`: stale intents, expiry reminders, the OCSP
/// responder certificate and the scheduled CRL.
final class CertificateMaintenanceWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?
    private let interval: Double

    init(interval: Double) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let service = CertificateService(services: application.ams, database: application.db, threadPool: application.threadPool)
        let logger = application.logger
        let interval = self.interval
        task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await service.maintain()
                    if report != CertificateService.MaintenanceReport() {
                        logger.info("certificate maintenance", metadata: [
                            "voided": "\(report.voided)", "reminders": "\(report.reminders)",
                            "crl": "\(report.crlPublished)", "responder_renewed": "\(report.responderRenewed)",
                        ])
                    }
                } catch {
                    logger.error("certificate maintenance failed", metadata: ["error": "\(String(describing: type(of: error)))"])
                }
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        _ = await task?.value
    }
}
