import Fluent
import SQLKit

/// Reads models with one SQL query and hands each row straight to the model's properties (``RowOutput``).
///
/// Fluent's own reader builds a qualified column name for every field of every row and decodes every value through
/// the generic decoder: reading a 500-request page of the certificate queue took longer than SQLite's work for it.
/// For the bulk paths only; everything else reads through Fluent's query builder.
struct ModelReader<M: Model>: Sendable {
    /// A condition on a column; all of them must hold.
    enum Condition: Sendable {
        case equals(String, BulkValue)
        case isIn(String, [BulkValue])
    }

    var conditions: [Condition]
    var limit: Int?

    init(where conditions: [Condition], limit: Int? = nil) {
        self.conditions = conditions
        self.limit = limit
    }

    func all(on database: any Database) async throws -> [M] {
        for case .isIn(_, let values) in conditions where values.isEmpty { return [] }
        let select = (database as! any SQLDatabase).select().column(SQLLiteral.all).from(M.schema)
        for condition in conditions {
            switch condition {
            case .equals(let column, let value): select.where(SQLIdentifier(column), .equal, SQLBind(value.encodable))
            case .isIn(let column, let values): select.where(SQLIdentifier(column), .in, SQLBind.group(values.map(\.encodable)))
            }
        }
        if let limit { select.limit(limit) }
        return try await RowOutput.rows(of: select, on: database).map(Self.model)
    }

    private static func model(from output: RowOutput) throws -> M {
        let model = M()
        try model.output(from: output)
        return model
    }
}
