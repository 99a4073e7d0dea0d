import Fluent
import SQLKit

/// The queue's name search reads one status at a time, so the index of names by their beginning now has the status in
/// front: a status's requests whose name starts with the text are one range of it. The index of names alone made each
/// status's query walk every request with that name (a common first name is thousands of requests at national size)
/// to keep the few in that status. It replaces that index: every name search names its statuses.
struct AddRequestStatusNameIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "registration_requests_name").run()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE INDEX registration_requests_status_name ON registration_requests (status, full_name COLLATE NOCASE)").run()
        } else {
            try await sql.raw("""
                CREATE INDEX registration_requests_status_name ON registration_requests (status, lower(full_name) text_pattern_ops)
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "registration_requests_status_name").run()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE INDEX registration_requests_name ON registration_requests (full_name COLLATE NOCASE)").run()
        } else {
            try await sql.raw("CREATE INDEX registration_requests_name ON registration_requests (lower(full_name) text_pattern_ops)").run()
        }
    }
}
