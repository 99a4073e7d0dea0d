@testable import AMSServer
import Fluent
import Foundation
import Testing

/// A rolling upgrade: a newer release has migrated the database while this build still runs. Requests are still
/// answered, but no background pass runs until the schema is this build's again.
@Suite("Background passes against a newer schema")
struct NewerSchemaTests {
    actor Passes {
        var count = 0
        func add() { count += 1 }
    }

    /// A worker whose pass only counts, started and given ten of its intervals (0.5 s).
    func startCountingWorker(_ t: TestApp) async throws -> (PeriodicWorker, Passes) {
        let passes = Passes()
        let worker = PeriodicWorker(name: "test pass", interval: 0.05) { _ in { await passes.add(); return nil } }
        try await worker.didBootAsync(t.app)
        try await Task.sleep(for: .milliseconds(500))
        return (worker, passes)
    }

    @Test(arguments: TestDatabase.all)
    func noPassRunsWhileTheDatabaseRecordsAMigrationThisBuildDoesNotKnow(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let newer = MigrationLog(name: "AMSServer.FromANewerRelease", batch: 99)
            try await newer.create(on: t.db)
            // act
            let (worker, passes) = try await startCountingWorker(t)
            // check: not one pass in ten intervals
            #expect(await passes.count == 0)
            #expect(try await t.services.newerSchema.unknownMigrations(on: t.db, now: t.clock.now) == ["AMSServer.FromANewerRelease"])
            // once the schema is this build's and the check has read it again, passes run again
            try await newer.delete(on: t.db)
            t.clock.advance(by: NewerSchemaCheck.rememberedFor)
            #expect(try await waitUntil { await passes.count > 0 })
            #expect(try await t.services.newerSchema.unknownMigrations(on: t.db, now: t.clock.now).isEmpty)
            await worker.shutdownAsync(t.app)
        }
    }

    /// The instance's workers share one check, which reads the migration log again only when its answer is
    /// ``NewerSchemaCheck/rememberedFor`` seconds old.
    @Test(arguments: TestDatabase.all)
    func theWorkersShareOneAnswerReadAgainOnlyOnceItIsOld(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let newer = MigrationLog(name: "AMSServer.FromANewerRelease", batch: 99)
            try await newer.create(on: t.db)
            #expect(try await t.services.newerSchema.unknownMigrations(on: t.db, now: t.clock.now) == ["AMSServer.FromANewerRelease"])
            try await newer.delete(on: t.db)
            // act: a worker starts after the newer migration is gone, but within the answer's lifetime
            let (worker, passes) = try await startCountingWorker(t)
            // check: it went by the instance's answer, not a read of its own
            #expect(await passes.count == 0)
            t.clock.advance(by: NewerSchemaCheck.rememberedFor - 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(await passes.count == 0)
            t.clock.advance(by: 1)
            #expect(try await waitUntil { await passes.count > 0 })
            await worker.shutdownAsync(t.app)
        }
    }
}
