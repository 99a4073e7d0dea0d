import Fluent
import Foundation
import Vapor

/// Runs certificate maintenance in the background of `ams serve`: stale intents, expiry reminders, the OCSP
/// responder certificate and the scheduled CRL.
final class CertificateMaintenanceWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?
    private let interval: Double
    /// A pass that has not finished after this long is abandoned (see ``DatabaseDeadline``); the next one starts.
    static let passDeadlineSeconds = 300.0

    init(interval: Double) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let service = CertificateService(services: application.ams, database: application.db, threadPool: application.threadPool)
        let logger = application.logger
        let interval = self.interval
        let eventLoop = application.eventLoopGroup.any()
        task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await DatabaseDeadline.run(seconds: Self.passDeadlineSeconds, on: eventLoop) {
                        try await service.maintain()
                    }
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
        guard let task else { return }
        task.cancel()
        // A pass stuck on a query that is never answered must not hold up the shutdown.
        _ = try? await DatabaseDeadline.run(seconds: 10, on: application.eventLoopGroup.any()) { await task.value }
    }
}
