import AMSCore
import Fluent
import Foundation
import Vapor

/// Runs delivery passes in the background of `ams serve` until shutdown.
final class OutboxWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?
    private let interval: Double
    /// A pass that has not finished after this long is abandoned (see ``DatabaseDeadline``); the next one starts.
    static let passDeadlineSeconds = 300.0

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
        let eventLoop = application.eventLoopGroup.any()
        task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await DatabaseDeadline.run(seconds: Self.passDeadlineSeconds, on: eventLoop) {
                        try await deliverer.deliverDue(on: database)
                    }
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
        guard let task else { return }
        task.cancel()
        // A pass stuck on a query that is never answered must not hold up the shutdown.
        _ = try? await DatabaseDeadline.run(seconds: 10, on: application.eventLoopGroup.any()) { await task.value }
    }
}
