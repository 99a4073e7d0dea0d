import FluentKit
import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Vapor

/// Keeps the OCSP responder's kept statuses (``OCSPStatusCache``) right on PostgreSQL, where sibling instances revoke
/// too, so that OCSP answers without the database there as well.
///
/// Every revocation's transaction calls ``announce(on:)``: `pg_notify` on ``channel`` with the schema as payload,
/// which PostgreSQL delivers to every listener when (and only if) the transaction commits. Each instance listens on
/// a connection of its own and forgets every kept status when a notification of its schema arrives. Statuses are
/// kept only while listening: the cache is switched on after `LISTEN` succeeds and off (everything forgotten) the
/// moment the connection fails or stops answering the heartbeat (``heartbeatSeconds``); until listening again every
/// answer reads the database. Between a revocation's commit and the notification's arrival (a round trip on the
/// listener's connection), a sibling may still answer from what it kept.
final class CertificateStatusFeed: LifecycleHandler, @unchecked Sendable {
    static let channel = "ams_certificate_status"
    /// How often the listening connection must answer a query, or it is taken for lost.
    static let heartbeatSeconds: Int64 = 5

    private let connection: PostgresConnection.Configuration
    private var task: Task<Void, Never>?

    init(connection: PostgresConnection.Configuration) {
        self.connection = connection
    }

    /// Tells every instance's responder that a status changed; on SQLite (one process) there is nobody to tell.
    static func announce(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT pg_notify(\(bind: channel), current_schema())").run()
    }

    /// The listening connection's `application_name` as PostgreSQL keeps it (for a schema name in ASCII, as AMS's are):
    /// its first 63 bytes.
    static func applicationName(schema: String) -> String {
        var name = Substring("ams-status-feed " + schema)
        while name.utf8.count > 63 { name.removeLast() }
        return String(name)
    }

    func didBootAsync(_ application: Application) async throws {
        let sql = application.db as! any SQLDatabase
        let schema = try await sql.raw("SELECT current_schema() AS name").first()?.decode(column: "name", as: String.self) ?? "public"
        var configuration = connection
        // named in pg_stat_activity, with the schema whose statuses it follows
        configuration.options.additionalStartupParameters.append(("application_name", Self.applicationName(schema: schema)))
        let (cache, logger) = (application.ams.ocspStatuses, application.logger)
        let eventLoop = application.eventLoopGroup.any()
        task = Task {
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await Self.listen(configuration, schema: schema, cache: cache, on: eventLoop, logger: logger)
                    failures = 0
                    if !Task.isCancelled { logger.warning("OCSP status feed lost; OCSP answers read the database until it is back") }
                } catch {
                    failures += 1
                    if failures == 1 || failures % 60 == 0 {
                        logger.warning("OCSP status feed cannot connect; OCSP answers read the database until it can",
                                       metadata: ["error": "\(String(describing: type(of: error)))"])
                    }
                }
                guard !Task.isCancelled else { break }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
        application.ams.ocspStatuses.setEnabled(false)
    }

    /// One listening connection, for as long as it lasts.
    private static func listen(_ configuration: PostgresConnection.Configuration, schema: String, cache: OCSPStatusCache,
                               on eventLoop: any EventLoop, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: logger).get()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await connection.listen(on: channel) { notifications in
                    cache.setEnabled(true)
                    for try await notification in notifications where notification.payload == schema {
                        cache.forgetAll()
                    }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: .seconds(heartbeatSeconds))
                    try await DatabaseDeadline.run(seconds: Double(heartbeatSeconds), on: eventLoop) {
                        _ = try await connection.query("SELECT 1 AS ams_status_feed_heartbeat", logger: logger).collect()
                    }
                }
            }
            // whichever ends first (the connection failed, the heartbeat went unanswered, shutdown) ends the other:
            // closing the connection ends the notifications
            _ = try? await group.next()
            cache.setEnabled(false)
            try? await connection.close()
            group.cancelAll()
        }
    }
}
