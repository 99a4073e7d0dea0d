import CoreMetrics
import Foundation
import Prometheus

/// What this AMS process counts, through swift-metrics into a Prometheus registry of its own (not the process-wide
/// `MetricsSystem`: several AMS applications in one test process each count alone). Events of this instance are
/// counted as they happen; figures of the whole installation (queue, outbox, certificates, CRL age) are read from the
/// database when scraped (``MetricsSnapshot``), so every instance of a cluster reports the same. The names are listed
/// in the README.
package final class AMSMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    /// OCSP answers by outcome, made once: every PDF reader in the country asks, so the hot path only increments.
    private let ocspAnswers: [String: CoreMetrics.Counter]
    private let transactionWaits: CoreMetrics.Timer

    /// What an OCSP answer was.
    static let ocspOutcomes = ["successful", "malformed_request", "try_later", "internal_error"]

    package init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        transactionWaits = CoreMetrics.Timer(label: "ams_db_transaction_wait_seconds", factory: factory)
        ocspAnswers = Dictionary(uniqueKeysWithValues: Self.ocspOutcomes.map { [factory] outcome in
            (outcome, CoreMetrics.Counter(label: "ams_ocsp_responses_total", dimensions: [("outcome", outcome)], factory: factory))
        })
    }

    /// One HTTP request answered: `route` is the route's pattern (`requests/:id`), never the path itself (which may
    /// hold tokens and would make a series per request).
    func requestAnswered(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        CoreMetrics.Counter(label: "ams_http_requests_total", dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: "ams_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// An OCSP request answered; `outcome` is one of ``ocspOutcomes``.
    func ocspAnswered(_ outcome: String) {
        ocspAnswers[outcome]?.increment()
    }

    /// A state change waited this long for its database connection (on SQLite, and for its turn to write).
    func transactionWaited(_ duration: Duration) {
        transactionWaits.recordNanoseconds(duration.nanoseconds)
    }

    /// A request answered 503 because the database could not be had: `kind` is `pool_timeout` (no pooled
    /// connection within the pool timeout), `deadline` (a transaction outlasted its deadline), `busy` (SQLite's
    /// lock), `shutting_down` (the pool closed under a request that outlasted a graceful shutdown's wait) or
    /// `connection` (PostgreSQL unreachable or restarting).
    func databaseUnavailable(_ kind: String) {
        CoreMetrics.Counter(label: "ams_db_unavailable_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A PDF signed (`kind`: `signature` for a holder, `seal` for an institution's electronic seal).
    func documentSigned(_ kind: String) {
        CoreMetrics.Counter(label: "ams_signatures_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A sign-in refused: `reason` is `wrong_password`, `unknown_account`, `account_disabled`,
    /// `initial_password_expired` or `throttled` (refused before the password was looked at).
    func signInFailed(_ reason: String) {
        CoreMetrics.Counter(label: "ams_sign_in_failures_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// An account locked after too many failed sign-ins.
    func signInLocked() {
        CoreMetrics.Counter(label: "ams_sign_in_locks_total", factory: factory).increment()
    }

    /// Sets a figure read at scrape time.
    func set(_ name: String, _ dimensions: [(String, String)] = [], to value: Double) {
        CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }

    /// The Prometheus text exposition of everything above.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

private extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
