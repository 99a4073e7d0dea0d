import Fluent
import SQLKit

/// The proof-of-work challenge each public-form submission spent: unique, so a solved challenge is sent once.
struct UpdateSubmissionLogAddChallenge: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("submission_log").field("challenge_nonce", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "submission_log_challenge").unique().on("submission_log").column("challenge_nonce").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "submission_log_challenge").run() }
        try await database.schema("submission_log").deleteField("challenge_nonce").update()
    }
}
