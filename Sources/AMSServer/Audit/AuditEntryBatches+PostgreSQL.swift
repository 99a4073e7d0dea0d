import Foundation
import Logging
import PostgresNIO

extension AuditEntryBatches {
    /// Runs a batch's query (SQL and binds as SQLKit wrote them) on PostgreSQL and reads its rows.
    static func read(_ query: (sql: String, binds: [any Encodable & Sendable]), on postgres: any PostgresDatabase,
                     logger: Logger) async throws -> [Row] {
        var bindings = PostgresBindings(capacity: query.binds.count)
        for bind in query.binds {
            guard let value = bind as? any PostgresThrowingDynamicTypeEncodable else {
                throw AuditEntryBatches.ReadFailure(description: "audit filter: PostgreSQL cannot take a value of type \(type(of: bind))")
            }
            try bindings.append(value)
        }
        let statement = PostgresQuery(unsafeSQL: query.sql, binds: bindings)
        let result = try await postgres.withConnection { $0.query(statement, logger: logger) }.get()
        return try result.rows.map(Row.init(postgres:))
    }
}

extension AuditEntryBatches.Row {
    /// The entry in a PostgreSQL row, its columns in the order of ``AuditEntryBatches/columns``.
    init(postgres row: PostgresRow) throws {
        let (sequence, occurredAt, actorID, actorName, actorRole, action, targetType, targetID, outcome, clientAddress, requestID,
             details, previousMAC, mac) = try row.decode((Int64, Date, UUID?, String, String, String, String, String, String, String,
                                                          String, String, String, String).self)
        self.init(sequence: sequence, occurredAt: occurredAt, actorID: actorID, actorName: actorName, actorRole: actorRole, action: action,
                  targetType: targetType, targetID: targetID, outcome: outcome, clientAddress: clientAddress, requestID: requestID,
                  details: details, previousMAC: previousMAC, mac: mac)
    }
}
