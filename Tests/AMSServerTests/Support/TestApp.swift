@testable import AMSServer
import AMSCore
import AMSPKI
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A configured AMS on a fresh database (in-memory SQLite or its own PostgreSQL schema), a manual clock, a cheap
/// bcrypt cost, and (unless a transport is given) no SMTP, so mail stays in the outbox where tests read it.
struct TestApp {
    let app: Application
    let clock: TestClock
    let database: TestDatabase

    var services: AMSServices { app.ams }
    var db: any Database { app.db }
    var sql: any SQLDatabase { app.db as! any SQLDatabase }

    static func with(_ database: TestDatabase,
                     tweak: (inout AppConfiguration) -> Void = { _ in },
                     mailTransport: (any MailTransport)? = nil,
                     clock: TestClock = TestClock(),
                     faults: FaultInjection = FaultInjection(),
                     secrets: ServerSecrets = ServerSecrets(masterKey: SymmetricKey(size: .bits256)),
                     keyEncryptionKey: KeyEncryptionKey = KeyEncryptionKey.random(),
                     eventLoops: (any EventLoopGroup)? = nil,
                     environment: Environment = .testing,
                     _ body: (TestApp) async throws -> Void) async throws {
        let app = try await Application.make(environment, eventLoops.map { .shared($0) } ?? .singleton)
        app.logger.logLevel = .warning
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let location: DatabaseLocation = switch database {
        case .sqlite: .sqliteMemory
        case .postgres: .postgres(url: TestDatabase.postgresURL!, searchPath: schema)
        }
        let attachmentDirectory = NSTemporaryDirectory() + "ams-attachments-" + schema
        var configuration = AppConfiguration(database: location, publicBaseURL: "https://ams.test.go.id",
                                             dataDirectory: NSTemporaryDirectory(), secretKeyFile: "/nonexistent",
                                             smtp: nil, bcryptCost: 12, attachmentDirectory: attachmentDirectory)
        // scrypt at 2^10 instead of 2^17: the same code path, a thousandth of the memory and time
        configuration.certificates.passphraseCostLog2N = 10
        // tests run side by side on a shared (CI) machine: a connection may be slow to come, which is not what they test
        // (60 s was once too short: 40 audit appends queued behind one event loop's 4 connections while the parallel
        // suite kept the shared threads busy, so the last waited over a minute)
        configuration.databasePoolTimeout = 300
        // the machine's free disk space is not what the tests are about (one test sets a floor on purpose)
        configuration.submissionLimits.freeDiskFloorBytes = 0
        // the public form's proof of work: the same code path at a few hundred hashes
        configuration.submissionLimits.workBits = 8
        tweak(&configuration)
        let overrides = ServiceOverrides(clock: clock, random: nil,
                                         passwordHashing: BcryptPasswordHashing(cost: 4, threadPool: app.threadPool),
                                         mailTransport: mailTransport,
                                         secrets: secrets, keyEncryptionKey: keyEncryptionKey, faults: faults)
        let testApp = TestApp(app: app, clock: clock, database: database)
        defer { try? FileManager.default.removeItem(atPath: attachmentDirectory) }
        do {
            try await configure(app, configuration: configuration, mode: .command, overrides: overrides)
            try await body(testApp)
        } catch {
            await testApp.tearDown(schema: schema)
            throw error
        }
        await testApp.tearDown(schema: schema)
    }

    private func tearDown(schema: String) async {
        // a test of the shutdown itself has shut the application down already
        guard !app.didShutdown else { return }
        if database == .postgres {
            try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
        try? await app.asyncShutdown()
    }

    func browser(address: String? = nil) -> TestBrowser { TestBrowser(testApp: self, forwardedFor: address) }
}
