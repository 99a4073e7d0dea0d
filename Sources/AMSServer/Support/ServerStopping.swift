import NIOPosix

/// Recognises the errors of a request that outlasted a graceful stop's wait for those in flight (``HTTPServerDrain``,
/// 10 s) and found AMS's worker threads (key opening, bcrypt, files, issuance) stopped: NIO's thread pools cancel the
/// work they still hold and any work given to them after (`CancellationError`), or refuse it
/// (`NIOThreadPoolError.ThreadPoolInactive`). Such a request is answered 503 with `Retry-After`, not as a server fault:
/// this instance is going away, and another one can answer.
enum ServerStopping {
    static func matches(_ error: any Error) -> Bool {
        error is CancellationError || error is NIOThreadPoolError.ThreadPoolInactive
    }
}
