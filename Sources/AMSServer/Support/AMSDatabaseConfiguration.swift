import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import NIOCore
import NIOPosix

/// A database as AMS runs it: Fluent's configuration, plus what ``WriteTransaction`` needs to find through the
/// database it is given: the metrics to report its waits to, and on SQLite the writer gate and threads of its own.
///
/// Every SQLite call blocks a thread of a pool. Fluent would use the application's, which also hashes passwords and
/// signs, and which has one thread per core: on two cores, two connections waiting for the write lock (SQLiteNIO's
/// busy handler retries without sleeping) take both threads, and the connection holding the lock never gets one to
/// commit with. Here each SQLite file gets one thread per pooled connection (one per event loop), so a call never
/// waits for a thread; ``WriteTransaction`` queues its writers at ``writerGate`` so that at most one of them asks
/// SQLite for the lock at a time. An in-memory database (tests) keeps the application's threads: its connections
/// share one cache, where a writer that finds the lock taken fails at once instead of running the busy handler.
struct AMSDatabaseConfiguration: DatabaseConfiguration {
    private var fluent: any DatabaseConfiguration
    /// SQLite: shared by every configuration of one file (the reports' connections write too); nil on PostgreSQL.
    let writerGate: SQLiteWriterGate?
    let metrics: AMSMetrics
    /// The longest a caller waits for a pooled connection.
    let poolTimeout: TimeAmount
    private let hasThreadsOfItsOwn: Bool

    static func sqlite(_ storage: SQLiteConfiguration, poolTimeout: TimeAmount, writerGate: SQLiteWriterGate,
                       metrics: AMSMetrics) -> Self {
        let isFile = if case .file = storage.storage { true } else { false }
        return Self(fluent: DatabaseConfigurationFactory.sqlite(storage, connectionPoolTimeout: poolTimeout, sqlLogLevel: nil).make(),
                    writerGate: writerGate, metrics: metrics, poolTimeout: poolTimeout, hasThreadsOfItsOwn: isFile)
    }

    static func postgres(_ configuration: SQLPostgresConfiguration, connectionsPerEventLoop: Int, poolTimeout: TimeAmount,
                         metrics: AMSMetrics) -> Self {
        Self(fluent: DatabaseConfigurationFactory.postgres(configuration: configuration, maxConnectionsPerEventLoop: connectionsPerEventLoop,
                                                           connectionPoolTimeout: poolTimeout, encodingContext: .default,
                                                           decodingContext: .default, sqlLogLevel: .trace).make(),
             writerGate: nil, metrics: metrics, poolTimeout: poolTimeout, hasThreadsOfItsOwn: false)
    }

    var middleware: [any AnyModelMiddleware] {
        get { fluent.middleware }
        set { fluent.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        guard hasThreadsOfItsOwn else { return fluent.makeDriver(for: databases) }
        var eventLoops = databases.eventLoopGroup.makeIterator()
        var connections = 0
        while eventLoops.next() != nil { connections += 1 }
        let threadPool = NIOThreadPool(numberOfThreads: max(connections, 1))
        threadPool.start()
        let driver = fluent.makeDriver(for: Databases(threadPool: threadPool, on: databases.eventLoopGroup))
        return Driver(fluent: driver, threadPool: threadPool)
    }

    private struct Driver: DatabaseDriver {
        let fluent: any DatabaseDriver
        let threadPool: NIOThreadPool

        func makeDatabase(with context: DatabaseContext) -> any Database { fluent.makeDatabase(with: context) }

        func shutdown() {
            fluent.shutdown()
            try? threadPool.syncShutdownGracefully()
        }

        func shutdownAsync() async {
            await fluent.shutdownAsync()
            try? await threadPool.shutdownGracefully()
        }
    }
}

extension Database {
    /// AMS's configuration of this database (nil for one configured otherwise, as some tests do).
    var amsConfiguration: AMSDatabaseConfiguration? {
        context.configuration as? AMSDatabaseConfiguration
    }
}
