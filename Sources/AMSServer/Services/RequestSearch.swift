import AMSCore
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
        // a NIP or NIK is digits and a tracking number has its shape: other texts need no exact lookups
        let mayBeExact = text.contains(where: \.isNumber) || TrackingNumber.isWellFormed(text.uppercased())
        let ids = mayBeExact ? try await exactMatches(base) : []
        let name = nameStarts(postgres: (base.database as? any SQLDatabase)?.dialect.name == "postgresql")
        guard !ids.isEmpty || name != nil else { return base.filter(\.$id ~~ [UUID]()) }
        // only the conditions that can match: SQLite plans `1 = 0 OR name LIKE …` (Fluent's "id in no ids") as a walk
        // of the status in queue order testing every name, where the name alone is a range of the status's names
        return base.group(.or) { either in
            if !ids.isEmpty { either.filter(\.$id ~~ ids) }
            if let name { either.filter(.sql(name)) }
        }
    }

    /// The requests whose tracking number, NIP or NIK is the text, each once.
    private func exactMatches(_ base: QueryBuilder<RegistrationRequestModel>) async throws -> [UUID] {
        var ids: Set<UUID> = []
        for exact in [base.copy().filter(\.$trackingNumber == text.uppercased()), base.copy().filter(\.$nip == text),
                      base.copy().filter(\.$nik == text)] {
            ids.formUnion(try await exact.limit(Self.exactLimit).all(\.$id))
        }
        return Array(ids)
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
