import AMSCore
import Fluent
import Foundation
import SQLKit

/// Counts ended step timings into the tally of the day they started (``StepDurationDayModel``) and marks them
/// counted, a batch per transaction, so the time-standard report reads one tally a day plus the few timings not yet
/// counted. Each timing is counted once: on SQLite the transaction holds the write lock from its start; on
/// PostgreSQL a batch is counted only while its transaction holds an advisory lock, so sibling instances never count
/// the same batch (the one that does not get the lock leaves the work to the one that has it).
struct StepDurationRollup {
    /// Timings counted per transaction.
    static let batchSize = 1_000
    /// The first key of the PostgreSQL advisory lock the pass holds ("AMSD"); the second is the schema's.
    static let advisoryLock: Int32 = 0x414D_5344

    let database: any Database
    let standards: TimeStandards

    /// Counts every ended timing not counted yet, batch by batch; returns how many it counted.
    @discardableResult
    func rollUp() async throws -> Int {
        var total = 0
        while true {
            let counted = try await WriteTransaction.run(on: database) { db in try await rollUpBatch(on: db) }
            total += counted
            if counted < Self.batchSize { return total }
        }
    }

    /// One batch, oldest starts first, in the caller's transaction.
    private func rollUpBatch(on db: any Database) async throws -> Int {
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // keyed by the schema too: installations sharing one database in schemas of their own do not wait on each other
            let row = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: Self.advisoryLock), hashtext(current_schema())) AS locked").first()
            guard try row?.decode(column: "locked", as: Bool.self) == true else { return 0 }
        }
        let timings = try await StepTimingModel.notCounted(on: db).sort(\.$startedAt).limit(Self.batchSize).all()
        guard !timings.isEmpty else { return 0 }
        // three statements a batch however many days it spans: the days' tallies read, written back, the timings marked
        let byDay = Dictionary(grouping: timings, by: { StepDurationDayModel.day(of: $0.startedAt) })
        let stored = try await StepDurationDayModel.query(on: db).filter(\.$id ~~ Array(byDay.keys)).all()
        let tallies = Dictionary(uniqueKeysWithValues: stored.map { ($0.id!, $0.tally) })
        var rows: [SQLExpression] = []
        for (day, members) in byDay {
            var tally = try StepDurationTally(decoding: Array(tallies[day] ?? Data()))
            for timing in members {
                tally.add(timing, standards: standards)
            }
            rows.append(SQLGroupExpression([SQLBind(day), SQLBind(Data(tally.encoded()))]))
        }
        try await (db as! any SQLDatabase).raw("""
            INSERT INTO step_duration_days (day, tally) VALUES \(SQLList(rows))
            ON CONFLICT (day) DO UPDATE SET tally = excluded.tally
            """).run()
        try await StepTimingModel.query(on: db).filter(\.$id ~~ timings.compactMap(\.id)).set(\.$rolledUp, to: true).update()
        return timings.count
    }
}
