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

    /// A literal string of `text`, escaped.
    public static func text(_ text: String) -> PDFObject {
        var bytes: [UInt8] = []
        for byte in Array(text.utf8) {
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        // non-ASCII text goes as UTF-16BE with its byte-order mark (PDF text strings, §7.9.2.2)
        if text.unicodeScalars.allSatisfy({ $0.isASCII }) { return .string(bytes, hex: false) }
        var utf16: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 { utf16.append(UInt8(unit >> 8)); utf16.append(UInt8(unit & 0xFF)) }
        return .string(Array(utf16.map { String(format: "%02X", $0) }.joined().utf8), hex: true)
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
