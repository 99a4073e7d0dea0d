import Fluent

extension QueryBuilder {
    /// How many rows the query finds, counted up to `cap` + 1 only (a list says "more than `cap`" then), at the cost
    /// of `cap` index entries, not of the whole match: one probe at position `cap` (its id alone), and only when there
    /// is none a plain count of the fewer rows.
    func cappedCount(_ cap: Int) async throws -> Int {
        if try await copy().field(\._$id).range(cap..<(cap + 1)).first() != nil { return cap + 1 }
        return try await copy().count()
    }
}
