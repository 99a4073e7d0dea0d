import AMSCore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import NIOCore
import SQLKit
import Vapor

/// What the process is about to do; decides the start-up work (first administrator, mail worker).
public enum RunMode: Sendable {
    /// `ams serve`: the web server with its background mail worker.
    case serve
    /// Any other command (`ams audit verify`, `ams user create`, …).
    case command
}

/// Replacements for side effects, for tests.
struct ServiceOverrides: Sendable {
    var clock: (any AMSCore.Clock)?
    var random: (any RandomSource)?
    var passwordHashing: (any PasswordHashing)?
    var mailTransport: (any MailTransport)?
    var secrets: ServerSecrets?
}

/// Builds the whole application: database, migrations, services, middleware, views, routes and commands.
public func configure(_ app: Application, configuration: AppConfiguration, mode: RunMode) async throws {
    try await configure(app, configuration: configuration, mode: mode, overrides: ServiceOverrides())
}

func configure(_ app: Application, configuration: AppConfiguration, mode: RunMode, overrides: ServiceOverrides) async throws {
    try configureDatabase(app, configuration.database, dataDirectory: configuration.dataDirectory)
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
                          absentAccountHash: try await hashing.hash(SecureToken(random: random).value))

    app.http.server.configuration.hostname = configuration.listenHost
    app.http.server.configuration.port = configuration.listenPort
    app.routes.defaultMaxBodySize = "16kb"

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease

    app.middleware = Middlewares()
    app.middleware.use(AccessLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(hsts: configuration.servesHTTPS))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(LocaleMiddleware())
    app.middleware.use(SessionMiddleware())
    app.middleware.use(CSRFMiddleware())

    try routes(app)
    registerCommands(app)

    if mode == .serve {
        app.lifecycle.use(FirstAdministratorBootstrap())
        app.lifecycle.use(OutboxWorker(interval: configuration.mailPollInterval))
    }
}

private func configureDatabase(_ app: Application, _ location: DatabaseLocation, dataDirectory: String) throws {
    switch location {
    case .sqliteFile(let path):
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
    case .postgres(let url, let searchPath):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 4,
                                    encodingContext: .default, decodingContext: .default, sqlLogLevel: .trace), as: .psql)
    }
}

/// PostgreSQL confined to one schema (`AMS_DATABASE_SCHEMA`; tests use one per run): create it before migrating.
private func prepareSchema(_ app: Application, _ location: DatabaseLocation) async throws {
    guard case .postgres(_, let schema?) = location, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
}

/// SQLite: WAL journal (kept in the file) and `synchronous=FULL`, so an acknowledged commit survives a crash or
/// power loss. (FULL is also SQLite's compiled default for WAL connections; it is set explicitly all the same.)
private func tuneDatabase(_ app: Application, _ location: DatabaseLocation) async throws {
    guard case .sqliteFile = location, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("PRAGMA journal_mode=WAL").run()
    try await sql.raw("PRAGMA synchronous=FULL").run()
}
