@testable import AMSServer
import Fluent
import Foundation
import NIOCore
import NIOPosix
import SQLKit
import Testing

/// Many writers at once on one SQLite file, with more pooled connections than the machine has cores.
@Suite struct SQLiteWritersTests {
    /// Before AMS gave SQLite its own threads and queued its writers, this never finished on two cores: writers
    /// waiting for the write lock spun on every thread of the shared pool, and the transaction holding the lock,
    /// paused at an `await`, never got a thread back to commit on.
    @Test func writersMoreThanThreadsAllCommit() async throws {
        let loopCount = System.coreCount * 2 + 2
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: loopCount)
        let directory = NSTemporaryDirectory() + "ams-writers-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await TestApp.with(.sqlite, tweak: { $0.database = .sqliteFile(path: directory + "/ams.sqlite") },
                               eventLoops: loops) { t in
            try await t.sql.raw("CREATE TABLE scratch_writes (writer INTEGER NOT NULL, step INTEGER NOT NULL)").run()
            let writers = loopCount * 4
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { writes in
                        for writer in 0..<writers {
                            let database = t.app.databases.database(logger: t.app.logger, on: loops.next())!
                            writes.addTask {
                                try await WriteTransaction.run(on: database) { db in
                                    let sql = db as! any SQLDatabase
                                    try await sql.raw("INSERT INTO scratch_writes VALUES (\(bind: writer), 1)").run()
                                    // hold the write lock across a suspension, as a transaction awaiting other work does
                                    try await Task.sleep(for: .milliseconds(2))
                                    try await sql.raw("INSERT INTO scratch_writes VALUES (\(bind: writer), 2)").run()
                                }
                                // and a write outside any transaction, waiting at SQLite's own lock
                                try await (database as! any SQLDatabase)
                                    .raw("INSERT INTO scratch_writes VALUES (\(bind: writer), 3)").run()
                            }
                        }
                        try await writes.waitForAll()
                    }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(120))
                    return false
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            #expect(finished, "\(writers) writers on \(loopCount) connections did not finish within two minutes")
            guard finished else { return }
            let rows = try await t.sql.raw("SELECT COUNT(*) AS n FROM scratch_writes").first()!.decode(column: "n", as: Int.self)
            #expect(rows == writers * 3)
        }
        try await loops.shutdownGracefully()
    }
}
