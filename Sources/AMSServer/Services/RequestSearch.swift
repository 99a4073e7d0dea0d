import Fluent
import Foundation
import SQLKit

/// The queue's search, each kind through its index: a tracking number, NIP or NIK exactly, or the beginning of a
/// name in any case ("budi" finds "Budi Santoso").
struct RequestSearch {
    let text: String

    /// The ids of up to `limit` requests of `base` (what the reader may see) that match.
    func matchingIDs(_ base: QueryBuilder<RegistrationRequestModel>, limit: Int) async throws -> [UUID] {
        var ids: [UUID] = []
        for exact in [base.copy().filter(\.$trackingNumber == text.uppercased()), base.copy().filter(\.$nip == text),
                      base.copy().filter(\.$nik == text)] {
            ids += try await exact.limit(limit).all(\.$id)
        }
        if let name = namePrefix(base) { ids += try await name.limit(limit).all(\.$id) }
        var seen = Set<UUID>()
        return Array(ids.filter { seen.insert($0).inserted }.prefix(limit))
    }

    /// Names starting with the text, through `registration_requests_name`; nil when the text cannot start a name.
    private func namePrefix(_ base: QueryBuilder<RegistrationRequestModel>) -> QueryBuilder<RegistrationRequestModel>? {
        // LIKE's wildcards are no part of a name; without them the pattern needs no ESCAPE (which SQLite's LIKE
        // optimisation would not take)
        let start = text.filter { $0 != "%" && $0 != "_" && $0 != "\\" }
        guard !start.isEmpty, let sql = base.database as? any SQLDatabase else { return nil }
        let condition: SQLQueryString = sql.dialect.name == "sqlite"
            ? "\(ident: "full_name") LIKE \(bind: start + "%")"
            : "lower(\(ident: "full_name")) LIKE \(bind: start.lowercased() + "%")"
        return base.copy().filter(.sql(condition))
    }
}
