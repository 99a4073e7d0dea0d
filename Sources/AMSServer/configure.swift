import AMSCore
import AMSPKI
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import NIOConcurrencyHelpers
import NIOCore
import SQLiteNIO
import SQLKit
import Vapor

/// What the process is about to do; decides the start-up work (first administrator, mail worker).
public enum RunMode: Sendable {
    /// `ams serve`: the web server with its background mail worker.
    case serve
    /// Any other command (`ams audit verify`, `ams user create`, …).
    case command
}

/// Replacements for side effects, for tests and the benchmarks.
package struct ServiceOverrides: Sendable {
    var clock: (any AMSCore.Clock)?
    var random: (any RandomSource)?
    var passwordHashing: (any PasswordHashing)?
    var mailTransport: (any MailTransport)?
    var secrets: ServerSecrets?
    var attachments: (any AttachmentStore)?
    var keyEncryptionKey: KeyEncryptionKey?
    var faults: FaultInjection?

    /// Only the CA's key-encryption key replaced (the benchmarks make a CA of their own).
    package static func keyEncryptionKey(_ key: KeyEncryptionKey) -> ServiceOverrides {
        var overrides = ServiceOverrides()
        overrides.keyEncryptionKey = key
        return overrides
    }
}

/// Builds the whole application: database, migrations, services, middleware, views, routes and commands.
public func configure(_ app: Application, configuration: AppConfiguration, mode: RunMode) async throws {
    try await configure(app, configuration: configuration, mode: mode, overrides: ServiceOverrides())
}

package func configure(_ app: Application, configuration: AppConfiguration, mode: RunMode, overrides: ServiceOverrides) async throws {
    if let assets = configuration.assetsDirectory {
        app.directory = DirectoryConfiguration(workingDirectory: URL(fileURLWithPath: assets).standardizedFileURL.path)
    }
    if mode == .serve { try requireAssets(app.directory) }
    try await prepareSQLiteFile(configuration.database)
    let metrics = AMSMetrics()
    try configureDatabase(app, configuration.database, poolTimeout: configuration.databasePoolTimeout, metrics: metrics)
    try await prepareSchema(app, configuration.database)
    app.migrations.add(Migrations.all)
    try await app.autoMigrate()
    try await tuneDatabase(app, configuration.database)

    let secrets = try overrides.secrets ?? ServerSecrets.loadOrCreate(path: configuration.secretKeyFile)
    let hashing = overrides.passwordHashing ?? BcryptPasswordHashing(cost: configuration.bcryptCost, threadPool: app.threadPool)
    let random = overrides.random ?? SystemRandomSource()
    let transport = overrides.mailTransport
        ?? configuration.smtp.map { SMTPTransport(settings: $0, group: app.eventLoopGroup) }
    app.ams = AMSServices(configuration: configuration, clock: overrides.clock ?? SystemClock(), random: random,
                          passwordHashing: hashing, secrets: secrets, passwordPolicy: PasswordPolicy(),
                          mailTransport: transport,
                          absentAccountHash: AbsentAccountHash(hashing: hashing, random: random),
                          attachments: overrides.attachments
                            ?? FileAttachmentStore(directory: configuration.attachmentDirectory, threadPool: app.threadPool),
                          caKeys: CertificateAuthorityKeys(keyEncryptionKey: try overrides.keyEncryptionKey
                            ?? CAKeyEncryptionKeyLoader.load(configuration.certificates),
                            timeStampPolicy: OID(dotted: configuration.certificates.timeStampPolicyOID)!),
                          certificateProfile: try certificateProfile(configuration.certificates),
                          ocspCache: OCSPResponseCache(),
                          ocspStatuses: OCSPStatusCache(isEnabled: configuration.database.isSQLite), serials: SerialNumberGenerator(),
                          keyOpenings: KeyOpeningQueue(permits: configuration.signing.keyOpenings),
                          faults: overrides.faults ?? FaultInjection(), metrics: metrics)

    app.lifecycle.use(KeyOpeningQueue.Shutdown(queue: app.ams.keyOpenings))
    app.http.server.configuration.hostname = configuration.listenHost
    app.http.server.configuration.port = configuration.listenPort
    app.http.server.configuration.idleTimeout = .milliseconds(Int64(configuration.httpIdleTimeout * 1000))
    // no client of AMS sends compressed bodies: inflating them would be work AMS has no use for (and a handler on
    // every connection)
    app.http.server.configuration.requestDecompression = .disabled
    app.routes.defaultMaxBodySize = "16kb"
    _ = isoDateJSON

    // Not `app.views.use(.leaf)`: Leaf's own provider switches its template cache off in Vapor's development
    // environment, the one `ams serve` runs in, and every page would read and parse its templates again.
    app.leaf.cache.isEnabled = configuration.keepsParsedTemplates
    app.views.use { app in
        LeafRenderer(configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache, sources: app.leaf.sources,
                     eventLoop: app.eventLoopGroup.next(), userInfo: app.leaf.userInfo.merging(["application": app]) { $1 })
    }

    app.middleware = Middlewares()
    let securityHeaders = SecurityHeadersMiddleware(hsts: configuration.servesHTTPS)
    app.middleware.use(AccessLogMiddleware())
    app.middleware.use(MetricsMiddleware())
    app.middleware.use(securityHeaders)
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(BodyReadGuardMiddleware(slots: BodyReadSlots()))
    app.middleware.use(LocaleMiddleware())
    app.middleware.use(SessionMiddleware())
    app.middleware.use(ReaderTimeZoneMiddleware())
    app.middleware.use(CSRFMiddleware())
    // OCSP is answered before the chain above; everything else goes through it to the router.
    app.responder.use { app in FastPathResponder(next: app.responder.default, securityHeaders: securityHeaders) }

    try routes(app)
    registerCommands(app)

    if mode == .serve {
        app.lifecycle.use(FirstAdministratorBootstrap())
        app.lifecycle.use(CertificateAuthorityBootstrap())
        app.lifecycle.use(PeriodicWorker.certificateMaintenance(interval: configuration.certificateMaintenanceInterval))
        app.lifecycle.use(PeriodicWorker.housekeeping(interval: PeriodicWorker.housekeepingInterval))
        app.lifecycle.use(PeriodicWorker.passwordResets(interval: min(2, configuration.mailPollInterval)))
        if configuration.operatorDigestInterval > 0 {
            app.lifecycle.use(PeriodicWorker.operatorDigest(interval: min(300, configuration.operatorDigestInterval),
                                                            digestInterval: configuration.operatorDigestInterval))
        }
        app.lifecycle.use(PeriodicWorker.mailDelivery(interval: configuration.mailPollInterval))
        app.lifecycle.use(PeriodicWorker.stepDurationRollup(interval: PeriodicWorker.stepDurationRollupInterval))
        app.lifecycle.use(MetricsServer())
        app.lifecycle.use(OCSPListener())
        if case .postgres(let url, _) = configuration.database {
            app.lifecycle.use(CertificateStatusFeed(connection: try SQLPostgresConfiguration(url: url).coreConfiguration))
        }
    }
    // last, so that at shutdown the requests in flight are answered before any of the above stops
    app.lifecycle.use(HTTPServerDrain())
}

/// `ams serve` without its templates, API description or style sheets would answer pages with errors: it refuses to
/// start instead, and says where it looked. The password word lists load now too: a binary deployed without AMSCore's
/// resource bundle beside it stops here, naming the paths it looked in, not at a user's first password change.
private func requireAssets(_ directory: DirectoryConfiguration) throws {
    _ = FrequencyDictionary.shipped
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.viewsDirectory + "layout.leaf"),
          FileManager.default.fileExists(atPath: directory.resourcesDirectory + OpenAPIDocument.path),
          FileManager.default.fileExists(atPath: directory.publicDirectory, isDirectory: &isFolder), isFolder.boolValue else {
        throw ConfigurationError("the page templates, API description and style sheets are not all in "
            + "\(directory.workingDirectory) (it needs Resources/Views/, Resources/\(OpenAPIDocument.path) and Public/): "
            + "start ams in the folder that holds Resources/ and Public/ (the repository, or a copy of both), or set "
            + "AMS_ASSETS_DIR to that folder")
    }
}

private func certificateProfile(_ settings: CertificateSettings) throws -> CertificateProfile {
    guard let policy = OID(dotted: settings.policyOID) else { throw ConfigurationError("the certificate policy OID is not a dotted OID") }
    return .holderSigning(subjectRule: settings.subjectRule, policy: policy, cpsURI: settings.cpsURL, validityDays: settings.validityDays,
                          includeNIK: settings.includeNIK)
}

/// JSON dates as ISO 8601 (what the OpenAPI document promises), not seconds since 2001. Process-wide, so set once
/// (a global's initialiser runs exactly once, even when several apps are configured concurrently in tests).
private let isoDateJSON: Void = {
    ContentConfiguration.global.use(encoder: JSONEncoder.custom(dates: .iso8601), for: .json)
    ContentConfiguration.global.use(decoder: JSONDecoder.custom(dates: .iso8601), for: .json)
}()

private func configureDatabase(_ app: Application, _ location: DatabaseLocation, poolTimeout: Double, metrics: AMSMetrics) throws {
    let timeout = TimeAmount.milliseconds(Int64(poolTimeout * 1000))
    switch location {
    case .sqliteFile(let path):
        let writerGate = SQLiteWriterGate()
        app.databases.use(AMSDatabaseConfiguration.sqlite(.file(path), poolTimeout: timeout, writerGate: writerGate, metrics: metrics),
                          as: .sqlite)
        // reports read on connections of their own (WAL lets them read beside the writer), so that a long one never
        // holds the connection every other request on its event loop needs
        app.databases.use(AMSDatabaseConfiguration.sqlite(.file(path), poolTimeout: timeout, writerGate: writerGate, metrics: metrics),
                          as: .reports, isDefault: false)
    case .sqliteMemory:
        app.databases.use(AMSDatabaseConfiguration.sqlite(.memory, poolTimeout: timeout, writerGate: SQLiteWriterGate(), metrics: metrics),
                          as: .sqlite)
    case .postgres(let url, let searchPath):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        app.databases.use(AMSDatabaseConfiguration.postgres(postgres, connectionsPerEventLoop: 4, poolTimeout: timeout, metrics: metrics),
                          as: .psql)
        // reports: one connection per event loop of their own, so that they neither take nor wait for the pages' ones
        app.databases.use(AMSDatabaseConfiguration.postgres(postgres, connectionsPerEventLoop: 1, poolTimeout: timeout, metrics: metrics),
                          as: .reports, isDefault: false)
    }
}

/// PostgreSQL confined to one schema (`AMS_DATABASE_SCHEMA`; tests use one per run): create it before migrating.
private func prepareSchema(_ app: Application, _ location: DatabaseLocation) async throws {
    guard case .postgres(_, let schema?) = location, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
}

/// SQLite: switches the file to the WAL journal before any pooled connection opens it (the switch needs the file to
/// itself, and the mode then stays in the file for every connection). Refuses to start if WAL cannot be had.
private func prepareSQLiteFile(_ location: DatabaseLocation) async throws {
    guard case .sqliteFile(let path) = location else { return }
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    let mode = NIOLockedValueBox("")
    do {
        try await connection.query("PRAGMA journal_mode=WAL", []) { row in
            mode.withLockedValue { $0 = row.column("journal_mode")?.string ?? "" }
        }
        try await connection.close()
    } catch {
        try? await connection.close()
        throw error
    }
    guard mode.withLockedValue({ $0 }) == "wal" else {
        throw ConfigurationError("the SQLite file \(path) cannot be switched to WAL mode")
    }
}

/// `synchronous=FULL` on the pooled connections, so an acknowledged commit survives a crash or power loss. It is
/// SQLite's compiled default for WAL connections (checked per connection by the tests); set here explicitly too.
private func tuneDatabase(_ app: Application, _ location: DatabaseLocation) async throws {
    guard case .sqliteFile = location, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("PRAGMA synchronous=FULL").run()
}
