@testable import AMSServer
import Fluent
import NIOCore
import NIOPosix
import Testing
import Vapor

/// A graceful stop (SIGTERM: a rolling restart, an instance replaced) must answer the requests in flight before the
/// database and the key-opening threads stop under them. The last CI's three-instance fault run got a 500 for a
/// signature in flight on an instance restarted gracefully: Vapor stopped AMS's parts first and the server last.
@Suite("Graceful shutdown: the requests in flight are answered before the application's parts stop")
struct GracefulShutdownTests {
    /// A request that outlasts the drain's wait (10 s) finds the key-opening threads stopped: it is told to try again
    /// (503 with Retry-After, as for a database gone), not given a server fault.
    @Test func aRequestThatFindsTheKeyThreadsStoppedIsToldToTryAgain() async throws {
        try await TestApp.with(.sqlite) { t in
            t.app.get("late") { req async throws -> String in
                try await req.application.ams.keyOpenings.run { "opened" }
            }
            t.app.ams.keyOpenings.shutdown()

            let api = try await t.app.testing().sendRequest(.GET, "/late", headers: ["Accept": "application/json"])
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers.first(name: .retryAfter) == String(DatabaseUnavailable.retryAfterSeconds))
            #expect(api.body.string.contains("http_503"))
            let page = try await t.app.testing().sendRequest(.GET, "/late")
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers.first(name: .retryAfter) == String(DatabaseUnavailable.retryAfterSeconds))
            #expect(page.body.string.contains("Server AMS ini sedang dihentikan"))
            // a pool that refuses work outright (its future-based calls) is the same case
            #expect(ErrorMapping(NIOThreadPoolError.ThreadPoolInactive()).status == .serviceUnavailable)
        }
    }

    /// SQLite only: what is tested is the order in which the application's parts stop, the same for both engines (and a
    /// PostgreSQL test schema could not be dropped after the application shut down).
    @Test func aRequestInFlightAtShutdownFinishesWithItsDatabaseAndKeyThreads() async throws {
        try await TestApp.with(.sqlite) { t in
            // setup: a route that waits, mid-request, until the test lets it go on; then it uses the database and the
            // key-opening threads, as a signature does
            let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            t.app.get("held") { req async throws -> String in
                enteredSignal.yield()
                for await _ in release { break }
                // the key threads first: were they stopped, this throws (a 500), where a database lookup after the
                // databases stopped would trap in Fluent and end the whole test run
                let opened = try await req.application.ams.keyOpenings.run { "opened" }
                let users = try await UserModel.query(on: req.db).count()
                return "finished: \(users) users, key \(opened)"
            }
            // started as `ams serve` starts it: Vapor's serve command, which also stops the server at the shutdown
            t.app.http.server.configuration.hostname = "127.0.0.1"
            t.app.http.server.configuration.port = 0
            t.app.environment.arguments = ["ams", "serve"]
            try await t.app.startup()
            let port = try #require(t.app.http.server.shared.localAddress?.port)
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let answer = Task {
                try await client.execute(request: try HTTPClient.Request(url: "http://127.0.0.1:\(port)/held"),
                                         deadline: .now() + .seconds(120)).get()
            }
            for await _ in entered { break }

            // act: the application shuts down while the request is in flight
            let shutdown = Task { try await t.app.asyncShutdown() }
            let refused = try await waitUntil(seconds: 60) { await !Self.accepts(port: port) }
            releaseSignal.yield()

            // check: the server stopped accepting at once, and the request in flight was answered in full
            #expect(refused, "the server kept accepting connections during the shutdown")
            let result = await answer.result
            try? await client.shutdown()
            let response = try result.get()
            #expect(response.status == .ok)
            #expect(response.body.map { String(buffer: $0) } == "finished: 0 users, key opened")
            try await shutdown.value
            #expect(t.app.didShutdown)
        }
    }

    /// Whether a new connection to `port` on loopback is accepted.
    private static func accepts(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
