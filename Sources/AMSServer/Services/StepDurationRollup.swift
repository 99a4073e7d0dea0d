import AMSCore
import Fluent
import Foundation
import SQLKit

/// Counts ended step timings into the tallies of the day and the month they started (``StepDurationPeriod``) and
/// marks them counted, a batch per transaction, so the time-standard report reads one tally a month (a day at its
/// edges) plus the few timings not yet counted. Each timing is counted once: on SQLite the transaction holds the write
/// lock from its start; on PostgreSQL a batch is counted only while its transaction holds an advisory lock, so sibling
/// instances never count the same batch (the one that does not get the lock leaves the work to the one that has it).
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
        let byDay = Dictionary(grouping: timings) { StepDurationDayModel.day(of: $0.startedAt) }
        for period in StepDurationPeriod.allCases {
            try await count(byDay, into: period, on: db as! any SQLDatabase)
        }
        try await StepTimingModel.query(on: db).filter(\.$id ~~ timings.compactMap(\.id)).set(\.$rolledUp, to: true).update()
        return timings.count
    }

    /// Adds the timings, grouped by the day they started, to the tallies of the periods those days fall in: two
    /// statements however many periods the batch spans (the tallies read, then written back).
    private func count(_ byDay: [Int: [StepTimingModel]], into period: StepDurationPeriod, on sql: any SQLDatabase) async throws {
        let byPeriod = Dictionary(grouping: byDay) { period.number(of: $0.key) }.mapValues { $0.flatMap(\.value) }
        let stored = try await sql.raw("""
            SELECT \(ident: period.column) AS number, tally FROM \(ident: period.table)
            WHERE \(ident: period.column) IN (\(SQLList(byPeriod.keys.map { SQLBind($0) })))
            """).all()
        var tallies: [Int: Data] = [:]
        for row in stored { tallies[try row.decode(column: "number", as: Int.self)] = try row.decode(column: "tally", as: Data.self) }
        var rows: [SQLExpression] = []
        for (number, members) in byPeriod {
            var tally = try StepDurationTally(decoding: Array(tallies[number] ?? Data()))
            for timing in members {
                tally.add(timing, standards: standards)
            }
            rows.append(SQLGroupExpression([SQLBind(number), SQLBind(Data(tally.encoded()))]))
        }
        try await sql.raw("""
            INSERT INTO \(ident: period.table) (\(ident: period.column), tally) VALUES \(SQLList(rows))
            ON CONFLICT (\(ident: period.column)) DO UPDATE SET tally = excluded.tally
            """).run()
    }
}
