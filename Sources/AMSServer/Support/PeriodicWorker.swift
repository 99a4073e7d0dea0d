import Foundation
import Logging
import Vapor

/// Runs one kind of background pass in `ams serve` until shutdown: a pass, a pause of `interval` seconds, the next
/// pass. A pass that has not finished after ``passDeadlineSeconds`` is abandoned (see ``DatabaseDeadline``) and the
/// next one starts; a failed pass is logged by its error type only (never its text, which may carry data). No pass
/// runs while the database's schema is newer than this build (``NewerSchemaCheck``: a rolling upgrade has reached the
/// database first); the worker says so once and asks the instance's check again before each pass.
final class PeriodicWorker: LifecycleHandler, @unchecked Sendable {
    /// One pass; returns the metadata worth logging, or nil when the pass found nothing to do.
    typealias Pass = @Sendable () async throws -> Logger.Metadata?

    static let passDeadlineSeconds = 300.0

    private let name: String
    private let interval: Double
    /// Made when the application has booted (the services exist then); nil: this worker has nothing to run.
    private let makePass: @Sendable (Application) -> Pass?
    private var task: Task<Void, Never>?

    init(name: String, interval: Double, makePass: @escaping @Sendable (Application) -> Pass?) {
        self.name = name
        self.interval = interval
        self.makePass = makePass
    }

    func didBootAsync(_ application: Application) async throws {
        guard let pass = makePass(application) else { return }
        let (name, interval, logger, database) = (self.name, self.interval, application.logger, application.db)
        let (eventLoop, clock, schemaCheck) = (application.eventLoopGroup.any(), application.ams.clock, application.ams.newerSchema)
        task = Task {
            var paused = false
            while !Task.isCancelled {
                do {
                    let unknown = try await DatabaseDeadline.run(seconds: Self.passDeadlineSeconds, on: eventLoop) {
                        try await schemaCheck.unknownMigrations(on: database, now: clock.now)
                    }
                    let schemaIsNewer = !unknown.isEmpty
                    if schemaIsNewer && !paused {
                        logger.warning("\(name) paused: the database's schema is newer than this build; replace this instance",
                                       metadata: ["unknown_migrations": "\(unknown.joined(separator: ","))"])
                    } else if !schemaIsNewer && paused {
                        logger.notice("\(name) resumed: the database's schema is this build's")
                    }
                    paused = schemaIsNewer
                    if !paused, let metadata = try await DatabaseDeadline.run(seconds: Self.passDeadlineSeconds, on: eventLoop, pass) {
                        logger.info("\(name)", metadata: metadata)
                    }
                } catch {
                    logger.error("\(name) failed", metadata: ["error": "\(String(describing: type(of: error)))"])
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

extension PeriodicWorker {
    /// Mail delivery passes over the outbox; nothing to run when SMTP is not configured.
    static func mailDelivery(interval: Double) -> PeriodicWorker {
        PeriodicWorker(name: "mail pass", interval: interval) { application in
            guard let deliverer = application.outboxDeliverer else {
                application.logger.notice("SMTP is not configured: mail stays in the outbox (admin page \"Kotak keluar\")")
                return nil
            }
            let database = application.db
            return {
                let report = try await deliverer.deliverDue(on: database)
                guard report.sent + report.failed + report.retried > 0 else { return nil }
                return ["sent": "\(report.sent)", "retried": "\(report.retried)", "failed": "\(report.failed)"]
            }
        }
    }

    /// Password-reset requests queued by the form: links made and mailed (into the outbox; delivered by the mail pass).
    static func passwordResets(interval: Double) -> PeriodicWorker {
        PeriodicWorker(name: "password resets", interval: interval) { application in
            let service = AccountService(services: application.ams, database: application.db)
            return {
                let handled = try await service.processPasswordResetRequests()
                return handled == 0 ? nil : ["handled": "\(handled)"]
            }
        }
    }

    /// The operators' digest of new and overdue requests, at most every `digestInterval` per operator.
    static func operatorDigest(interval: Double, digestInterval: TimeInterval) -> PeriodicWorker {
        PeriodicWorker(name: "operator digest", interval: interval) { application in
            let digest = OperatorDigest(services: application.ams, database: application.db, interval: digestInterval)
            return {
                let sent = try await digest.sendDue()
                return sent == 0 ? nil : ["sent": "\(sent)"]
            }
        }
    }

    /// Certificate maintenance: stale intents, expiry reminders, the OCSP responder certificate, the scheduled CRL.
    static func certificateMaintenance(interval: Double) -> PeriodicWorker {
        PeriodicWorker(name: "certificate maintenance", interval: interval) { application in
            let service = CertificateService(services: application.ams, database: application.db, threadPool: application.threadPool)
            return {
                let report = try await service.maintain()
                guard report != CertificateService.MaintenanceReport() else { return nil }
                return ["voided": "\(report.voided)", "reminders": "\(report.reminders)", "crl": "\(report.crlPublished)",
                        "responder_renewed": "\(report.responderRenewed)"]
            }
        }
    }

    /// Seconds between housekeeping passes.
    static let housekeepingInterval = 300.0

    /// Housekeeping: rows that nothing can use any more are deleted, a batch per transaction (``BatchedDelete``): signed
    /// documents nobody fetched within their ten minutes and the e-signature API's old per-minute call counts, sign-in
    /// attempts too old to throttle anyone, and sessions past their absolute timeout (each audited as expired).
    static func housekeeping(interval: Double) -> PeriodicWorker {
        PeriodicWorker(name: "housekeeping", interval: interval) { application in
            let esign = ESignService(services: application.ams, database: application.db)
            let throttle = LoginThrottle(clock: application.ams.clock)
            let sessions = SessionStore(services: application.ams)
            let database = application.db
            return {
                let downloads = try await esign.prune()
                let attempts = try await throttle.prune(on: database)
                let expiredSessions = try await sessions.pruneExpired(on: database)
                guard downloads + attempts + expiredSessions > 0 else { return nil }
                return ["downloads_deleted": "\(downloads)", "sign_in_attempts_deleted": "\(attempts)",
                        "expired_sessions_deleted": "\(expiredSessions)"]
            }
        }
    }

    /// Seconds between passes counting ended steps into the time-standard report's day and month tallies; the report
    /// reads what a pass has not counted yet from the timings themselves, so this only bounds that part's size.
    static let stepDurationRollupInterval = 60.0

    /// Ended step timings counted into their day's and month's tallies (``StepDurationRollup``).
    static func stepDurationRollup(interval: Double) -> PeriodicWorker {
        PeriodicWorker(name: "time-standard tallies", interval: interval) { application in
            let rollup = StepDurationRollup(database: application.db, standards: application.ams.configuration.timeStandards)
            return {
                let counted = try await rollup.rollUp()
                return counted == 0 ? nil : ["counted": "\(counted)"]
            }
        }
    }
}
