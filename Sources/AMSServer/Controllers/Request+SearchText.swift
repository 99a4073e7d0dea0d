import Vapor

extension Request {
    /// A search field of the query string, trimmed and cut at `limit` characters; empty when absent.
    func searchText(_ name: String = "q", limit: Int = FieldLimit.search) -> String {
        String((query[String.self, at: name] ?? "").trimmingCharacters(in: .whitespaces).prefix(limit))
    }
}
