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

    @Test(arguments: TestDatabase.all)
    func noPassRunsWhileTheDatabaseRecordsAMigrationThisBuildDoesNotKnow(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let newer = MigrationLog(name: "AMSServer.FromANewerRelease", batch: 99)
            try await newer.create(on: t.db)
            #expect(try await NewerSchemaCheck().unknownMigrations(on: t.db) == ["AMSServer.FromANewerRelease"])
            let passes = Passes()
            let worker = PeriodicWorker(name: "test pass", interval: 0.05) { _ in { await passes.add(); return nil } }
            // act
            try await worker.didBootAsync(t.app)
            try await Task.sleep(for: .milliseconds(500))
            // check: not one pass in ten intervals; once the schema is this build's, passes run again
            #expect(await passes.count == 0)
            try await newer.delete(on: t.db)
            #expect(try await NewerSchemaCheck().unknownMigrations(on: t.db).isEmpty)
            var waited = 0
            while await passes.count == 0, waited < 200 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(await passes.count > 0)
            await worker.shutdownAsync(t.app)
        }
    }
}
