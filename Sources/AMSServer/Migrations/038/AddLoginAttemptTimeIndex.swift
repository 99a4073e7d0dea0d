import Fluent
import SQLKit

/// The maintenance pass deletes sign-in attempts older than the throttle's lookback: an index on their time, so each
/// pass reads only what has grown old since the last (the table's other indexes lead with the account or address).
struct AddLoginAttemptTimeIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "login_attempts_time").on("login_attempts").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "login_attempts_time").run()
    }
}
