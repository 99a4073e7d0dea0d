import Fluent

extension Array where Element: Model {
    /// Inserts the models with multi-row INSERTs of at most `rowsPerStatement` rows (SQLite binds at most 32766
    /// values in one statement).
    func createInStatements(of rowsPerStatement: Int = 1000, on database: any Database) async throws {
        for start in stride(from: 0, to: count, by: rowsPerStatement) {
            try await self[start..<Swift.min(start + rowsPerStatement, count)].create(on: database)
        }
    }
}
