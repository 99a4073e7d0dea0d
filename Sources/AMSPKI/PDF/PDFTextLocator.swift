import Foundation

/// Finds where a text marker (the national API's `tag_koordinat`, e.g. `#ttd_kepala#`) is printed in a document: it
/// reads the pages' content streams (ISO 32000-1 §9.4), follows the graphics and text matrices, and joins the strings
/// each text object shows, so a marker split over `TJ` pieces or several `Tj` is still found.
///
/// Strings are read as single-byte text (WinAnsi/Latin-1), which is how office tools write short ASCII markers; a
/// marker drawn with a two-byte (CID) font, or inside a form XObject, is not found and the caller says so.
public struct PDFTextLocator: Sendable {
    /// Where a marker starts: the page (0-based), the point on its baseline in default user space, and the font size.
    public struct Hit: Sendable, Equatable {
        public let pageIndex: Int
        public let x: Double
        public let y: Double
        public let fontSize: Double
    }

    let document: PDFDocument

    public init(_ document: PDFDocument) {
        self.document = document
    }

    /// The first place `marker` is shown, pages in reading order; nil when no page shows it.
    public func find(_ marker: String) throws -> Hit? {
        let wanted = Array(marker.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        guard !wanted.isEmpty else { return nil }
        for (index, pageNumber) in try document.pages().enumerated() {
            let content = try contents(of: try document.object(pageNumber))
            if let hit = Self.search(wanted, in: content) {
                return Hit(pageIndex: index, x: hit.x, y: hit.y, fontSize: hit.fontSize)
            }
        }
        return nil
    }

    /// The page's content streams, decoded and joined (`/Contents` is one stream or an array of them).
    func contents(of page: PDFObject) throws -> [UInt8] {
        var references: [PDFObject] = []
        switch page["Contents"] {
        case .array(let items)?: references = items
        case .some(let item):
            if case .array(let items)? = try document.resolve(item) { references = items } else { references = [item] }
        case nil: return []
        }
        var joined: [UInt8] = []
        for reference in references {
            guard let number = reference.referenceNumber else { continue }
            joined += try document.streamData(number)
            joined.append(10)
        }
        return joined
    }

    /// A 2-D affine matrix `[a b c d e f]` (§8.3.3).
    struct Matrix {
        var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0

        /// `self × other`: first this transform, then `other`.
        func then(_ other: Matrix) -> Matrix {
            Matrix(a: a * other.a + b * other.c, b: a * other.b + b * other.d,
                   c: c * other.a + d * other.c, d: c * other.b + d * other.d,
                   e: e * other.a + f * other.c + other.e, f: e * other.b + f * other.d + other.f)
        }

        func apply(_ x: Double, _ y: Double) -> (Double, Double) { (a * x + c * y + e, b * x + d * y + f) }
    }

    /// The marker's first occurrence in `content`: each text object's shown text is joined with the matrices in
    /// force where each piece begins.
    static func search(_ marker: [UInt8], in content: [UInt8]) -> (x: Double, y: Double, fontSize: Double)? {
        var parser = PDFParser(content)
        var operands: [PDFObject] = []
        var graphics = Matrix(), stack: [Matrix] = []
        var text = Matrix(), line = Matrix(), leading = 0.0, fontSize = 12.0
        // the text shown in the current text object, and where each piece of it starts
        var shown: [UInt8] = []
        var pieces: [(start: Int, point: (Double, Double), fontSize: Double)] = []

        func numbers() -> [Double] { operands.compactMap { if case .number(let text) = $0 { Double(text) } else { nil } } }
        func moveLine(_ tx: Double, _ ty: Double) {
            line = Matrix(e: tx, f: ty).then(line)
            text = line
        }
        func show(_ strings: [[UInt8]]) {
            let placed = text.then(graphics)
            pieces.append((shown.count, placed.apply(0, 0), fontSize * (placed.c * placed.c + placed.d * placed.d).squareRoot()))
            for string in strings { shown += string }
        }
        func found() -> (x: Double, y: Double, fontSize: Double)? {
            guard let at = index(of: marker, in: shown), let piece = pieces.last(where: { $0.start <= at }) else { return nil }
            // glyph widths are unknown here: half an em per character before the marker in its piece
            let before = Double(at - piece.start) * 0.5 * piece.fontSize
            return (piece.point.0 + before, piece.point.1, piece.fontSize)
        }

        while true {
            parser.skipWhitespace()
            guard parser.position < parser.bytes.count else { break }
            let byte = parser.bytes[parser.position]
            // an operand starts with an object's opening delimiter or a number's first character; anything else is an operator
            let opensObject = PDFParser.isDelimiter(byte) && !Array(")]>}".utf8).contains(byte)
            if opensObject || Array("0123456789-+.".utf8).contains(byte) {
                guard let operand = try? parser.object() else { return found() }
                operands.append(operand)
                continue
            }
            let word = parser.word()
            if word.isEmpty { parser.position += 1; operands.removeAll(); continue }
            let values = numbers()
            switch word {
            case "q": stack.append(graphics)
            case "Q": graphics = stack.popLast() ?? Matrix()
            case "cm" where values.count == 6:
                graphics = Matrix(a: values[0], b: values[1], c: values[2], d: values[3], e: values[4], f: values[5]).then(graphics)
            case "BT":
                text = Matrix(); line = Matrix(); shown = []; pieces = []
            case "ET":
                if let hit = found() { return hit }
                shown = []; pieces = []
            case "Tf" where values.count == 1: fontSize = values[0]
            case "TL" where values.count == 1: leading = values[0]
            case "Td" where values.count == 2: moveLine(values[0], values[1])
            case "TD" where values.count == 2: leading = -values[1]; moveLine(values[0], values[1])
            case "Tm" where values.count == 6:
                line = Matrix(a: values[0], b: values[1], c: values[2], d: values[3], e: values[4], f: values[5])
                text = line
            case "T*": moveLine(0, -leading)
            case "Tj": show(operands.compactMap(\.decodedBytes))
            case "'": moveLine(0, -leading); show(operands.compactMap(\.decodedBytes))
            case "\"": moveLine(0, -leading); show(operands.suffix(1).compactMap(\.decodedBytes))
            case "TJ":
                if case .array(let items)? = operands.last { show(items.compactMap(\.decodedBytes)) }
            case "BI":
                // an inline image: its data runs to the EI keyword after whitespace
                let end = Array(" EI".utf8)
                func atEnd() -> Bool {
                    PDFParser.isWhitespace(parser.bytes[parser.position])
                        && Array(parser.bytes[(parser.position + 1)..<(parser.position + 3)]) == Array(end[1...])
                }
                while parser.position + 3 <= parser.bytes.count, !atEnd() {
                    parser.position += 1
                }
                parser.position += 3
            default: break
            }
            operands.removeAll()
        }
        return found()
    }

    static func index(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] && Array(haystack[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }
}
