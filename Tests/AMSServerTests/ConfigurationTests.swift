@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Configuration and storage")
struct ConfigurationTests {
    @Test func defaultsAreTheEmbeddedSetUp() throws {
        let configuration = try AppConfiguration.fromEnvironment([:])
        #expect(configuration.database == .sqliteFile(path: "data/ams.sqlite"))
        #expect(configuration.listenHost == "127.0.0.1" && configuration.listenPort == 8080)
        #expect(configuration.smtp == nil)
        #expect(!configuration.cookieSecure)
        #expect(configuration.sessionPolicy == SessionPolicy(idleTimeout: 1800, absoluteTimeout: 43200))
        #expect(configuration.tokenPolicy.initialPasswordLifetime == 72 * 3600)
        #expect(configuration.databasePoolTimeout == 10)
    }

    @Test func environmentVariablesAreRead() throws {
        let configuration = try AppConfiguration.fromEnvironment([
            "AMS_DATABASE_URL": "postgres://ams:pw@db.internal:5432/ams", "AMS_DATABASE_SCHEMA": "ams_prod",
            "AMS_BASE_URL": "https://ams.bssn.go.id", "AMS_LISTEN": "0.0.0.0:9000",
            "AMS_SMTP_HOST": "smtp.bssn.go.id", "AMS_SMTP_TLS": "tls", "AMS_SMTP_FROM": "no-reply@bssn.go.id",
            "AMS_SMTP_USERNAME": "ams", "AMS_SMTP_PASSWORD": "secret", "AMS_SESSION_IDLE_MINUTES": "15",
            "AMS_INITIAL_PASSWORD_HOURS": "24", "AMS_RESET_LINK_MINUTES": "30", "AMS_DATABASE_POOL_TIMEOUT_SECONDS": "2.5",
        ])
        #expect(configuration.database == .postgres(url: "postgres://ams:pw@db.internal:5432/ams", searchPath: "ams_prod"))
        #expect(configuration.cookieSecure && configuration.servesHTTPS)
        #expect(configuration.listenHost == "0.0.0.0" && configuration.listenPort == 9000)
        #expect(configuration.smtp?.port == 465 && configuration.smtp?.security == .tls && configuration.smtp?.password == "secret")
        #expect(configuration.sessionPolicy.idleTimeout == 900)
        #expect(configuration.tokenPolicy.initialPasswordLifetime == 24 * 3600)
        #expect(configuration.tokenPolicy.passwordResetLifetime == 1800)
        #expect(configuration.databasePoolTimeout == 2.5)
    }

    @Test func submissionLimitsAndTheDiskFloorAreRead() throws {
        let configuration = try AppConfiguration.fromEnvironment([
            "AMS_REGISTER_PER_ADDRESS_HOUR": "100000", "AMS_REGISTER_GLOBAL_HOUR": "7", "AMS_REGISTER_OPEN_PER_DOMAIN": "9",
            "AMS_UPLOAD_DISK_FLOOR_MB": "0", "AMS_HTTP_IDLE_SECONDS": "15", "AMS_REGISTER_WORK_BITS": "0",
            "AMS_HTTP_BODY_SECONDS": "30", "AMS_UPLOADS_PER_ADDRESS": "3", "AMS_UPLOADS_IN_FLIGHT": "10",
        ])
        #expect(configuration.submissionLimits == SubmissionLimits(perAddressPerHour: 100_000, globalPerHour: 7, openPerMailDomain: 9,
                                                                   freeDiskFloorBytes: 0, workBits: 0))
        #expect(configuration.httpIdleTimeout == 15)
        #expect(configuration.bodyReads == BodyReadLimits(seconds: 30, perAddress: 3, inFlight: 10))
        let defaults = try AppConfiguration.fromEnvironment([:])
        #expect(defaults.submissionLimits == SubmissionLimits() && defaults.submissionLimits.workBits == 20)
        #expect(defaults.bodyReads == BodyReadLimits(seconds: 120, perAddress: 8, inFlight: 64))
        for bad in [["AMS_UPLOAD_DISK_FLOOR_MB": "-1"], ["AMS_REGISTER_WORK_BITS": "29"], ["AMS_REGISTER_WORK_BITS": "1.5"],
                    ["AMS_UPLOADS_PER_ADDRESS": "0"], ["AMS_HTTP_BODY_SECONDS": "soon"]] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try AppConfiguration.fromEnvironment(bad) }
        }
    }

    @Test func pkiAddressesAreHTTPEvenWhenThePagesAreHTTPS() throws {
        // setup, act
        let derived = try AppConfiguration.fromEnvironment(["AMS_BASE_URL": "https://ams.bssn.go.id:8443/"])
        let given = try AppConfiguration.fromEnvironment(["AMS_BASE_URL": "https://ams.bssn.go.id",
                                                          "AMS_PKI_BASE_URL": "http://pki.bssn.go.id/"])
        // check
        #expect(derived.pkiBaseURL == "http://ams.bssn.go.id:8443")
        #expect(given.pkiBaseURL == "http://pki.bssn.go.id")
        #expect(try AppConfiguration.fromEnvironment([:]).pkiBaseURL == "http://127.0.0.1:8080")
        #expect(throws: ConfigurationError.self) {
            try AppConfiguration.fromEnvironment(["AMS_PKI_BASE_URL": "https://pki.bssn.go.id"])
        }
    }

    @Test func badValuesAreNamedWithoutEchoingSecrets() {
        for env in [["AMS_DATABASE_URL": "mysql://x"], ["AMS_LISTEN": "nope"], ["AMS_SMTP_HOST": "x", "AMS_SMTP_TLS": "maybe"],
                    ["AMS_SMTP_HOST": "x"], ["AMS_BASE_URL": "ftp://x"], ["AMS_SESSION_IDLE_MINUTES": "-3"],
                    ["AMS_COOKIE_SECURE": "perhaps"], ["AMS_DATABASE_POOL_TIMEOUT_SECONDS": "0"]] {
            #expect(throws: ConfigurationError.self, "\(env)") { try AppConfiguration.fromEnvironment(env) }
        }
        do {
            _ = try AppConfiguration.fromEnvironment(["AMS_SMTP_HOST": "x", "AMS_SMTP_PASSWORD": "hunter2-secret"])
            Issue.record("a missing sender must be refused")
        } catch {
            #expect(!"\(error)".contains("hunter2-secret"))
        }
    }

    @Test func sqliteFileRunsInWALModeWithFullSync() async throws {
        // setup: a real file database, as `ams serve` uses
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ams-wal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            let configuration = AppConfiguration(database: .sqliteFile(path: folder.appendingPathComponent("ams.sqlite").path),
                                                 dataDirectory: folder.path, secretKeyFile: folder.appendingPathComponent("key").path)
            try await configure(app, configuration: configuration, mode: .command,
                                overrides: ServiceOverrides(passwordHashing: BcryptPasswordHashing(cost: 4, threadPool: app.threadPool)))
            // act: ask every pooled connection (one per event loop)
            let sql = app.db as! any SQLDatabase
            for _ in 0..<8 {
                let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                // check
                #expect(mode == "wal")
                #expect(sync == 2)  // FULL
            }
            // the secret key file was created with owner-only permissions
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("key").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func pagesAndStyleSheetsComeFromTheAssetsFolder() async throws {
        // setup: a copy of the templates and a public folder elsewhere, each with a mark of its own
        #expect(try AppConfiguration.fromEnvironment([:]).assetsDirectory == nil)
        #expect(try AppConfiguration.fromEnvironment(["AMS_ASSETS_DIR": "/opt/ams"]).assetsDirectory == "/opt/ams")
        let files = FileManager.default
        let folder = files.temporaryDirectory.appendingPathComponent("ams-assets-\(UUID().uuidString)")
        defer { try? files.removeItem(at: folder) }
        let views = folder.appendingPathComponent("Resources/Views")
        try files.createDirectory(at: views.deletingLastPathComponent(), withIntermediateDirectories: true)
        try files.copyItem(at: ReverseProxyTests.packageRoot.appendingPathComponent("Resources/Views"), to: views)
        let login = views.appendingPathComponent("login.leaf")
        try (String(contentsOf: login, encoding: .utf8) + "<!-- from the assets folder -->\n").write(to: login, atomically: true, encoding: .utf8)
        try files.createDirectory(at: folder.appendingPathComponent("Public"), withIntermediateDirectories: true)
        try "p { color: teal }\n".write(to: folder.appendingPathComponent("Public/assets-mark.css"), atomically: true, encoding: .utf8)
        try await TestApp.with(.sqlite, tweak: { $0.assetsDirectory = folder.path }) { t in
            // act
            let page = try await t.browser().get("/login")
            let sheet = try await t.browser().get("/assets-mark.css")
            // check
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<!-- from the assets folder -->"))
            #expect(sheet.status == .ok && String(buffer: sheet.body) == "p { color: teal }\n")
        }
    }

    @Test(arguments: [[], ["Resources/Views/layout.leaf", "Public/css/ams.css"]])
    func serveRefusesToStartWithoutItsAssets(present: [String]) async throws {
        // setup: a folder without Resources/ or Public/, or with the templates and Public/ but no API description
        let files = FileManager.default
        let folder = files.temporaryDirectory.appendingPathComponent("ams-no-assets-\(UUID().uuidString)")
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: folder) }
        for file in present.map(folder.appendingPathComponent) {
            try files.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: file)
        }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        var configuration = AppConfiguration(database: .sqliteFile(path: folder.appendingPathComponent("ams.sqlite").path),
                                             dataDirectory: folder.path, secretKeyFile: folder.appendingPathComponent("key").path)
        configuration.assetsDirectory = folder.path
        // act
        do {
            try await configure(app, configuration: configuration, mode: .serve)
            Issue.record("ams serve started without its assets (present: \(present))")
        } catch let error as ConfigurationError {
            // check: the folder, what it needs and the way out are named, and nothing was written before the refusal
            #expect(error.description.contains(folder.path) && error.description.contains("AMS_ASSETS_DIR"))
            #expect(error.description.contains("Resources/OpenAPI/api-v1.json"))
            #expect(!files.fileExists(atPath: folder.appendingPathComponent("ams.sqlite").path))
        }
        try await app.asyncShutdown()
    }

    @Test func secretKeyFileIsReusedAcrossStarts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ams-key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try ServerSecrets.loadOrCreate(path: path)
        let second = try ServerSecrets.loadOrCreate(path: path)
        #expect(first.auditChainKey == second.auditChainKey)
        #expect(first.auditChainKey != first.outboxSealingKey)
        try "not hex".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try ServerSecrets.loadOrCreate(path: path) }
    }
}
