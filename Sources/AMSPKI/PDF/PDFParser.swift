import Foundation

/// Reads PDF objects from a file's bytes (ISO 32000-1 §7.2–7.3), defensively: anything unexpected is
/// ``PDFError/damaged(_:)``, never a crash. Streams' data are not read (signing rewrites no stream).
struct PDFParser {
    let bytes: [UInt8]
    var position: Int

    /// A parser at `position`, kept within the bytes (a damaged cross-reference may point anywhere).
    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = min(max(0, position), bytes.count)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { [0, 9, 10, 12, 13, 32].contains(byte) }
    static func isDelimiter(_ byte: UInt8) -> Bool { Array("()<>[]{}/%".utf8).contains(byte) }

    mutating func skipWhitespace() {
        while position < bytes.count {
            if Self.isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 10, bytes[position] != 13 { position += 1 }
            } else {
                return
            }
        }
    }

    /// A bare word: a number, keyword or the like (up to whitespace or a delimiter).
    mutating func word() -> String {
        skipWhitespace()
        let start = position
        while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `N G obj` at the current position; returns N and G.
    mutating func objectHeader() throws -> (Int, Int) {
        guard let number = Int(word()), let generation = Int(word()), word() == "obj" else { throw PDFError.damaged("object header") }
        return (number, generation)
    }

    mutating func object(depth: Int = 0) throws -> PDFObject {
        guard depth < 64 else { throw PDFError.damaged("nesting too deep") }
        skipWhitespace()
        guard position < bytes.count else { throw PDFError.damaged("unexpected end") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "/"):
            position += 1
            let start = position
            while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) { position += 1 }
            return .name(String(decoding: bytes[start..<position], as: UTF8.self))
        case UInt8(ascii: "("):
            return .string(try literalString(), hex: false)
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                var entries: [(key: String, value: PDFObject)] = []
                while true {
                    skipWhitespace()
                    guard position < bytes.count else { throw PDFError.damaged("unterminated dictionary") }
                    if bytes[position] == UInt8(ascii: ">") {
                        guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else { throw PDFError.damaged("dictionary end") }
                        position += 2
                        return .dictionary(entries)
                    }
                    guard case .name(let key) = try object(depth: depth + 1) else { throw PDFError.damaged("dictionary key") }
                    entries.append((key, try object(depth: depth + 1)))
                }
            }
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: ">") { position += 1 }
            guard position < bytes.count else { throw PDFError.damaged("unterminated hex string") }
            defer { position += 1 }
            return .string(Array(bytes[start..<position]), hex: true)
        case UInt8(ascii: "["):
            position += 1
            var items: [PDFObject] = []
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw PDFError.damaged("unterminated array") }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                items.append(try object(depth: depth + 1))
            }
        default:
            let token = word()
            guard !token.isEmpty else { throw PDFError.damaged("unexpected byte \(byte)") }
            switch token {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            case "null": return .null
            default: break
            }
            guard token.allSatisfy({ "+-.0123456789".contains($0) }) else { throw PDFError.damaged("unexpected word \(token)") }
            // `N G R` is a reference
            if let number = Int(token), number >= 0 {
                let saved = position
                let second = word()
                if let generation = Int(second), generation >= 0, word() == "R" { return .reference(number: number, generation: generation) }
                position = saved
            }
            return .number(token)
        }
    }

    /// A literal string's bytes as written (escapes kept), its balanced parentheses included.
    mutating func literalString() throws -> [UInt8] {
        position += 1
        let start = position
        var depth = 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 {
                    defer { position += 1 }
                    return Array(bytes[start..<position])
                }
            }
            position += 1
        }
        throw PDFError.damaged("unterminated string")
    }
}
