import Foundation

/// RFC 4180 CSV, with cells that a spreadsheet would run as formulas neutralised by a leading apostrophe. Cells are
/// checked byte by byte (UTF-8): a test per `Character` misses "\r\n", which Swift counts as one character, and costs
/// far more (it was most of the audit export's time).
struct CSVWriter {
    private(set) var text = ""

    /// First bytes that make a spreadsheet read a cell as a formula: `=`, `+`, `-`, `@`, tab, carriage return.
    private static let formulaStarts = Array("=+-@\t\r".utf8)
    /// Bytes that make a cell need quotes: comma, double quote, line feed, carriage return.
    private static let needQuotes = Array(",\"\n\r".utf8)

    mutating func row(_ cells: [String]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { text += "," }
            text += Self.cell(cell)
        }
        text += "\r\n"
    }

    static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.utf8.first, formulaStarts.contains(first) { value = "'" + value }
        guard value.utf8.contains(where: needQuotes.contains) else { return value }
        // quoted, each double quote doubled (byte by byte: Foundation's replacingOccurrences was most of the audit
        // export's writing, every entry's details being JSON)
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }
}
