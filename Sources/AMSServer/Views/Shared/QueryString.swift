import Foundation

/// `?key=value&…` for a page's links: empty values left out, keys in order (the same filters give the same link),
/// values percent-encoded, then `extra` (a page number, a cursor) as given.
enum QueryString {
    static func make(_ items: [String: String], then extra: [(String, String)] = []) -> String {
        let kept = items.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return "?" + (kept + extra).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }
}
