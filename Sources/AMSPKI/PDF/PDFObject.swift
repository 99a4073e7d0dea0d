import Foundation

/// A PDF object (ISO 32000-1 §7.3) as far as signing needs to read and rewrite one: numbers and names keep the exact
/// text they were written with, strings their exact bytes, so a rewritten dictionary says what the original said.
public indirect enum PDFObject: Sendable, Equatable {
    case null
    case boolean(Bool)
    /// An integer or real, as written.
    case number(String)
    /// A name without its slash, as written (with any `#xx` escapes).
    case name(String)
    /// A literal string's bytes as written between the parentheses (escapes kept), or a hex string's digits.
    case string([UInt8], hex: Bool)
    case array([PDFObject])
    /// Keys in their order of appearance.
    case dictionary([(key: String, value: PDFObject)])
    case reference(number: Int, generation: Int)

    public static func == (lhs: PDFObject, rhs: PDFObject) -> Bool {
        lhs.serialized == rhs.serialized
    }

    public static func integer(_ value: Int) -> PDFObject { .number(String(value)) }

    /// A literal string of `bytes`, with `(`, `)` and the backslash escaped.
    public static func literal(_ bytes: [UInt8]) -> PDFObject {
        var escaped: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\\") { escaped.append(UInt8(ascii: "\\")) }
            escaped.append(byte)
        }
        return .string(escaped, hex: false)
    }

    /// A text string of `text`: a literal string when it is ASCII.
    public static func text(_ text: String) -> PDFObject {
        // non-ASCII text goes as UTF-16BE with its byte-order mark (PDF text strings, §7.9.2.2)
        if text.unicodeScalars.allSatisfy({ $0.isASCII }) { return literal(Array(text.utf8)) }
        var utf16: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 { utf16.append(UInt8(unit >> 8)); utf16.append(UInt8(unit & 0xFF)) }
        return .string(Array(utf16.hexString.uppercased().utf8), hex: true)
    }

    public subscript(key: String) -> PDFObject? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries.last { $0.key == key }?.value
    }

    /// This dictionary with `key` set to `value` (replacing an earlier one, else added at the end).
    public func setting(_ key: String, to value: PDFObject) -> PDFObject {
        guard case .dictionary(var entries) = self else { return self }
        if let index = entries.lastIndex(where: { $0.key == key }) { entries[index].value = value } else { entries.append((key, value)) }
        return .dictionary(entries)
    }

    public var integerValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    public var nameValue: String? {
        guard case .name(let name) = self else { return nil }
        return name
    }

    public var referenceNumber: Int? {
        guard case .reference(let number, _) = self else { return nil }
        return number
    }

    /// A string's bytes: a hex string's, or a literal string's with its escapes undone (§7.3.4.2); nil for other objects.
    public var decodedBytes: [UInt8]? {
        guard case .string(let raw, let hex) = self else { return nil }
        if hex {
            // a hex digit's value; whitespace and anything else are skipped; an odd last digit counts as followed by 0
            func nibble(_ byte: UInt8) -> UInt8? {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
                default: nil
                }
            }
            let digits = raw.compactMap(nibble)
            return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | ($0 + 1 < digits.count ? digits[$0 + 1] : 0) }
        }
        var out: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.count else { out.append(byte); continue }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case 10, 13: if escaped == 13, index < raw.count, raw[index] == 10 { index += 1 }  // a line continuation
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                for _ in 0..<2 where index < raw.count && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(raw[index]) {
                    value = value * 8 + Int(raw[index] - UInt8(ascii: "0"))
                    index += 1
                }
                out.append(UInt8(value & 0xFF))
            default: out.append(escaped)
            }
        }
        return out
    }

    /// A text string's text (§7.9.2.2): UTF-16BE after its byte-order mark, else PDFDocEncoding (read as Latin-1).
    public var textValue: String? {
        guard let bytes = decodedBytes else { return nil }
        if bytes.starts(with: [0xFE, 0xFF]) {
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(bytes.map { Character(UnicodeScalar($0)) })
    }

    /// The object in PDF syntax.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .boolean(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .name(let name): out.append(UInt8(ascii: "/")); out += Array(name.utf8)
        case .string(let bytes, let hex):
            out.append(UInt8(ascii: hex ? "<" : "("))
            out += bytes
            out.append(UInt8(ascii: hex ? ">" : ")"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: " ")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out += Array("<<".utf8)
            for entry in entries {
                out.append(UInt8(ascii: "/"))
                out += Array(entry.key.utf8)
                out.append(UInt8(ascii: " "))
                entry.value.write(into: &out)
            }
            out += Array(">>".utf8)
        case .reference(let number, let generation): out += Array("\(number) \(generation) R".utf8)
        }
    }
}
