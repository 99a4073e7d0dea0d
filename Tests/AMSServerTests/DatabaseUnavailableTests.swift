@testable import AMSServer
import AsyncKit
import FluentPostgresDriver
import Logging
import Testing
import Vapor
import VaporTesting
import NIOPosix

@Suite("A database that cannot be reached is a 503 with Retry-After, not a server fault")
struct DatabaseUnavailableTests {
    /// A real PostgresNIO error: connecting to a loopback port nobody listens on.
    private static func refusedConnectionError(on app: Application) async throws -> any Error {
        let port = try SMTPTestServer.freePort()
        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "ams", password: nil,
                                                             database: "ams", tls: .disable)
        do {
            let connection = try await PostgresConnection.connect(on: app.eventLoopGroup.any(), configuration: configuration,
                                                                  id: 1, logger: Logger(label: "test"))
            try await connection.close()
        } catch {
            return error
        }
        Issue.record("port \(port) unexpectedly accepted a PostgreSQL connection")
        throw Abort(.internalServerError)
    }

    @Test func aRefusedDatabaseConnectionIsRecognised() async throws {
        try await TestApp.with(.sqlite) { t in
            let error = try await Self.refusedConnectionError(on: t.app)
            #expect(DatabaseUnavailable.matches(error))
            #expect(ErrorMapping(error).status == .serviceUnavailable)
            // a request that outlasted a graceful shutdown's wait finds the pool closed: 503 too, not a server fault
            #expect(DatabaseUnavailable.matches(ConnectionPoolError.shutdown) && DatabaseUnavailable.kind(ConnectionPoolError.shutdown) == "shutting_down")
            #expect(ErrorMapping(ConnectionPoolError.shutdown).status == .serviceUnavailable)
            // ordinary failures stay what they are
            #expect(!DatabaseUnavailable.matches(Abort(.internalServerError)))
            #expect(ErrorMapping(Abort(.internalServerError)).status == .internalServerError)
        }
    }

    @Test func pagesAndTheAPIAnswer503WithRetryAfterAndAClearMessage() async throws {
        try await TestApp.with(.sqlite) { t in
            let error = try await Self.refusedConnectionError(on: t.app)
            t.app.get("test-database-down") { _ async throws -> String in throw error }
            t.app.get("api", "v1", "test-database-down") { _ async throws -> String in throw error }
            let browser = t.browser()
            let page = try await browser.get("/test-database-down")
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers.first(name: .retryAfter) == "\(DatabaseUnavailable.retryAfterSeconds)")
            #expect(page.body.string.contains("Layanan sementara tidak tersedia"))
            #expect(page.body.string.contains("Basis data sedang tidak dapat dihubungi"))
            #expect(!page.body.string.contains("PSQLError"))
            let api = try await browser.get("/api/v1/test-database-down", headers: ["Accept": "application/json"])
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers.first(name: .retryAfter) == "\(DatabaseUnavailable.retryAfterSeconds)")
            #expect(api.body.string.contains("\"code\":\"http_503\""))
            // both counted for /metrics, by kind
            let metrics = String(decoding: t.services.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains(#"ams_db_unavailable_total{kind="connection"} 2"#), "\(metrics)")
        }
    }
}

/// The deadlines of the first two tests are generous on purpose: the suite runs beside many others on a shared
/// machine, where a task may wait seconds for a thread; what they check is the value and the error, not the timing.
@Suite("Database work under a deadline")
struct DatabaseDeadlineTests {
    private let eventLoop = MultiThreadedEventLoopGroup.singleton.any()

    @Test func workThatFinishesInTimeReturnsItsValue() async throws {
        let value = try await DatabaseDeadline.run(seconds: 120, on: eventLoop) { 42 }
        #expect(value == 42)
    }

    @Test func errorsOfTheWorkReachTheCaller() async throws {
        await #expect(throws: Abort.self) {
            try await DatabaseDeadline.run(seconds: 120, on: eventLoop) { () async throws -> Int in throw Abort(.conflict) }
        }
    }

    @Test func workThatNeverAnswersEndsInAnErrorThatMeans503() async throws {
        // a continuation that is never resumed: what a query lost with its connection looks like to the caller
        let started = ContinuousClock.now
        let error = await #expect(throws: DatabaseDeadline.Exceeded.self) {
            try await DatabaseDeadline.run(seconds: 0.3, on: eventLoop) { () async throws -> Int in
                try await Task.sleep(for: .seconds(3600))
                return 0
            }
        }
        // ended by the deadline, not by the hour-long sleep (bounded loosely: the machine may be busy)
        #expect(ContinuousClock.now - started < .seconds(120))
        #expect(error.map { DatabaseUnavailable.matches($0) } == true)
        #expect(error.map { ErrorMapping($0).status } == .serviceUnavailable)
    }
}
