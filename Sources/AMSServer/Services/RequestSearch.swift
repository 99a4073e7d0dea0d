import Fluent
import Foundation
import SQLKit

/// The queue's search, each kind through its index: a tracking number, NIP or NIK exactly, or the beginning of a
/// name in any case ("budi" finds "Budi Santoso").
struct RequestSearch {
    /// The most requests one exact value (a NIP or NIK used again after a withdrawal) brings in.
    static let exactLimit = 100

    let text: String

    /// `base` (what the reader may see) narrowed to the requests that match: those found by an exact value, looked up
    /// first, or whose name starts with the text.
    func narrow(_ base: QueryBuilder<RegistrationRequestModel>) async throws -> QueryBuilder<RegistrationRequestModel> {
        var ids: [UUID] = []
        for exact in [base.copy().filter(\.$trackingNumber == text.uppercased()), base.copy().filter(\.$nip == text),
                      base.copy().filter(\.$nik == text)] {
            ids += try await exact.limit(Self.exactLimit).all(\.$id)
        }
        let name = nameStarts(postgres: (base.database as? any SQLDatabase)?.dialect.name == "postgresql")
        // only the conditions that can match: SQLite plans `1 = 0 OR name LIKE …` (Fluent's "id in no ids") as a walk
        // of the status in queue order testing every name, where the name alone is a range of the status's names
        switch (ids.isEmpty, name) {
        case (true, nil): return base.filter(\.$id ~~ [UUID]())
        case (true, let name?): return base.filter(.sql(name))
        case (false, nil): return base.filter(\.$id ~~ Array(Set(ids)))
        case (false, let name?):
            return base.group(.or) { either in
                either.filter(\.$id ~~ Array(Set(ids)))
                either.filter(.sql(name))
            }
        }
    }

    /// Names starting with the text, in any case, through `registration_requests_status_name` within each status the
    /// queue reads (SQLite: LIKE on a NOCASE index; PostgreSQL: lower() LIKE on a pattern index); nil when the text
    /// cannot start a name.
    private func nameStarts(postgres: Bool) -> SQLQueryString? {
        // LIKE's wildcards are no part of a name; without them the pattern needs no ESCAPE (which SQLite's LIKE
        // optimisation would not take)
        let start = text.filter { $0 != "%" && $0 != "_" && $0 != "\\" }
        // a NIP, NIK or tracking number (digits in it) is no name's beginning: no name condition for the planner to weigh
        guard !start.isEmpty, !start.contains(where: \.isNumber) else { return nil }
        return postgres ? "lower(\(ident: "full_name")) LIKE \(bind: start.lowercased() + "%")" : "\(ident: "full_name") LIKE \(bind: start + "%")"
    }
}
