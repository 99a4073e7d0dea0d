import Vapor

/// Stops the HTTP server before anything else stops: it closes the listening socket and waits (up to the server's
/// shutdown timeout, 10 s) for the requests in flight to be answered, while their database, threads and key-opening
/// queue still run.
///
/// Vapor shuts the lifecycle handlers down, in reverse order of registration, before the server (which it stops
/// with the application's storage). Without this handler a SIGTERM stopped the key-opening threads and the databases
/// under the requests still in flight: a signature failed with 500, and a database lookup trapped in Fluent and ended
/// the process without an answer. Registered last, so that it is shut down first.
struct HTTPServerDrain: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        // a no-op when the server never started (the CLI commands) or has stopped already
        await application.server.shutdown()
    }
}
