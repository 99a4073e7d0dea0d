import NIOHTTP1

extension HTTPHeaders {
    /// `value` as the only value of `name`: added when `name` is absent (most responses: no copy of the other
    /// headers), replaced otherwise.
    mutating func set(_ name: String, _ value: String) {
        if contains(name: name) {
            replaceOrAdd(name: name, value: value)
        } else {
            add(name: name, value: value)
        }
    }
}
