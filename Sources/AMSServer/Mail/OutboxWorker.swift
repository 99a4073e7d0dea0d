import AMSCore
import Fluent
import Foundation
import Vapor

/// Runs delivery passes in the background of `ams serve` until shutdown.
final class OutboxWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?
    private let interval: Double

    init(interval: Double) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        guard let deliverer = application.outboxDeliverer else {
            application.logger.notice("SMTP is not configured: mail stays in the outbox (admin page \"Kotak keluar\")")
            return
        }
        let database = application.db
        let logger = application.logger
        let interval = self.interval
        task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await deliverer.deliverDue(on: database)
                    if report.sent + report.failed + report.retried > 0 {
                        logger.info("mail pass", metadata: ["sent": "\(report.sent)", "retried": "\(report.retried)", "failed": "\(report.failed)"])
                    }
                } catch {
                    logger.error("mail pass failed", metadata: ["error": "\(String(describing: type(of: error)))"])
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
