import Foundation

/// A keyboard as the password-strength estimate sees it: which keys are neighbours, and in which direction. Rows are
/// placed where the keys physically are (each row set off to the right of the one above), so `q` touches `1`, `2`,
/// `w`, `a` and `s`.
struct KeyboardLayout: Sendable {
    /// A key's place: its row and its horizontal position in key widths.
    private struct Place: Sendable {
        let row: Int
        let x: Double
    }

    private let places: [Character: Place]
    private let shifted: Set<Character>
    let keyCount: Int
    let averageDegree: Double

    /// US QWERTY: each row is a string of unshifted keys and a string of the same keys shifted, and its offset.
    static let qwerty = KeyboardLayout(rows: [
        ("`1234567890-=", "~!@#$%^&*()_+", 0),
        ("qwertyuiop[]\\", "QWERTYUIOP{}|", 1.5),
        ("asdfghjkl;'", "ASDFGHJKL:\"", 1.75),
        ("zxcvbnm,./", "ZXCVBNM<>?", 2.25),
    ])

    private init(rows: [(plain: String, shifted: String, offset: Double)]) {
        var places: [Character: Place] = [:]
        var shifted: Set<Character> = []
        for (row, layout) in rows.enumerated() {
            for (column, (plain, upper)) in zip(layout.plain, layout.shifted).enumerated() {
                let place = Place(row: row, x: layout.offset + Double(column))
                places[plain] = place
                places[upper] = place
                shifted.insert(upper)
            }
        }
        self.places = places
        self.shifted = shifted
        let keys = rows.flatMap { Array($0.plain) }
        keyCount = keys.count
        let degrees = keys.map { key in keys.filter { Self.direction(places[key]!, places[$0]!) != nil }.count }
        averageDegree = Double(degrees.reduce(0, +)) / Double(max(1, keys.count))
    }

    /// Which way `to` lies from `from` (one of six directions), or nil when they are not neighbours.
    func direction(from: Character, to: Character) -> Int? {
        guard let a = places[from], let b = places[to] else { return nil }
        return Self.direction(a, b)
    }

    func isShifted(_ key: Character) -> Bool {
        shifted.contains(key)
    }

    private static func direction(_ a: Place, _ b: Place) -> Int? {
        let rows = b.row - a.row
        let dx = b.x - a.x
        switch rows {
        case 0 where abs(dx) == 1: return dx < 0 ? 0 : 1
        case -1 where abs(dx) <= 0.75: return dx < 0 ? 2 : 3
        case 1 where abs(dx) <= 0.75: return dx < 0 ? 4 : 5
        default: return nil
        }
    }
}
