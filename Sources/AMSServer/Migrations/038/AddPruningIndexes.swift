import Fluent
import SQLKit

/// The housekeeping pass deletes sign-in attempts older than the throttle's lookback and sessions past their absolute
/// timeout: an index on each one's time, so each pass reads only what has grown old since the last (the tables' other
/// indexes lead with the account, the address or the user).
struct AddPruningIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "login_attempts_time").on("login_attempts").column("occurred_at").run()
        try await sql.create(index: "user_sessions_created").on("user_sessions").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "user_sessions_created").run()
        try await sql.drop(index: "login_attempts_time").run()
    }
}
