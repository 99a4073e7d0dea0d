@testable import AMSServer
import Fluent
import Foundation
import Testing

/// Lists count up to a cap and say "more than" past it: the count is exact up to the cap, and cap + 1 beyond it.
@Suite("Capped counts")
struct CappedCountTests {
    @Test(arguments: TestDatabase.all)
    func countsExactlyUpToTheCapAndCapPlusOneBeyond(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            var counts: [Int] = []
            for index in 1...6 {
                try await AgencyModel(code: "CAP-\(index)", name: "Instansi \(index)", createdAt: Date()).create(on: t.db)
                counts.append(try await AgencyModel.query(on: t.db).filter(\.$code =~ "CAP-").cappedCount(4))
            }
            #expect(counts == [1, 2, 3, 4, 5, 5])
            #expect(try await AgencyModel.query(on: t.db).filter(\.$code == "NONE").cappedCount(4) == 0)
        }
    }
}
