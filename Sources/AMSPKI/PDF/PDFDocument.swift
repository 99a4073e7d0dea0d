import Foundation

/// A PDF's structure as an incremental update needs it: where each object is (the cross-reference tables or streams
/// of the original and every earlier update, newest first; objects inside object streams included), the trailer,
/// the catalog and the pages in order.
public struct PDFDocument: Sendable {
    public let bytes: [UInt8]
    /// Where an object's newest version is.
    enum Location: Sendable {
        case offset(Int, generation: Int)
        /// The `index`-th object of object stream `stream`.
        case inStream(Int, index: Int)
        case free
    }

    let locations: [Int: Location]
    public let trailer: PDFObject
    /// Where the newest cross-reference section starts (the next update's /Prev).
    public let lastCrossReference: Int
    /// Whether the newest section is a cross-reference stream (then the update writes one too).
    public let usesCrossReferenceStreams: Bool

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.count > 16, bytes.starts(with: Array("%PDF-".utf8)) else { throw PDFError.notAPDF }
        let start = try Self.startCrossReference(bytes)
        lastCrossReference = start
        var locations: [Int: Location] = [:]
        var trailer: PDFObject?
        var newestIsStream = false
        var next: Int? = start
        var seen: Set<Int> = []
        while let section = next, !seen.contains(section) {
            seen.insert(section)
            guard section < bytes.count else { throw PDFError.damaged("cross-reference section beyond the end of the file") }
            var parser = PDFParser(bytes, at: section)
            let sectionTrailer: PDFObject
            if parser.word() == "xref" {
                sectionTrailer = try Self.readTable(&parser, into: &locations)
            } else {
                parser.position = section
                guard (try? parser.objectHeader()) != nil else { throw PDFError.notAPDF }
                sectionTrailer = try Self.readStream(&parser, into: &locations)
                if trailer == nil { newestIsStream = true }
            }
            if trailer == nil { trailer = sectionTrailer }
            next = sectionTrailer["Prev"]?.integerValue
        }
        guard let trailer, trailer["Root"]?.referenceNumber != nil else { throw PDFError.damaged("trailer without /Root") }
        if trailer["Encrypt"] != nil { throw PDFError.encrypted }
        self.locations = locations
        self.trailer = trailer
        self.usesCrossReferenceStreams = newestIsStream
    }

    /// A classic section (after `xref`): its entries, the newest section's taking precedence; returns its trailer.
    static func readTable(_ parser: inout PDFParser, into locations: inout [Int: Location]) throws -> PDFObject {
        while true {
            let first = parser.word()
            if first == "trailer" { break }
            guard let firstNumber = Int(first), let count = Int(parser.word()), count >= 0, count < 10_000_000 else {
                throw PDFError.damaged("cross-reference subsection")
            }
            for index in 0..<count {
                let offset = Int(parser.word()), generation = Int(parser.word()), kind = parser.word()
                guard let offset, let generation, kind == "n" || kind == "f" else { throw PDFError.damaged("cross-reference entry") }
                if locations[firstNumber + index] == nil {
                    locations[firstNumber + index] = kind == "n" ? .offset(offset, generation: generation) : .free
                }
            }
        }
        return try parser.object()
    }

    /// A cross-reference stream (PDF 1.5, §7.5.8) where `parser` stands after its object header; returns its dictionary.
    static func readStream(_ parser: inout PDFParser, into locations: inout [Int: Location]) throws -> PDFObject {
        let dictionary = try parser.object()
        guard dictionary["Type"]?.nameValue == "XRef", let size = dictionary["Size"]?.integerValue,
              case .array(let widthObjects)? = dictionary["W"], widthObjects.count == 3 else { throw PDFError.damaged("cross-reference stream") }
        let widths = widthObjects.compactMap(\.integerValue)
        guard widths.count == 3, widths.allSatisfy({ (0...8).contains($0) }) else { throw PDFError.damaged("cross-reference widths") }
        let data = try PDFStreamData.decoded(dictionary, raw: try PDFStreamData.raw(dictionary, parser: &parser,
                                                                                     length: dictionary["Length"]?.integerValue))
        var ranges: [(Int, Int)] = [(0, size)]
        if case .array(let index)? = dictionary["Index"] {
            let numbers = index.compactMap(\.integerValue)
            guard numbers.count == index.count, numbers.count % 2 == 0 else { throw PDFError.damaged("cross-reference index") }
            ranges = stride(from: 0, to: numbers.count, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
        }
        let entryLength = widths.reduce(0, +)
        var position = 0
        func field(_ width: Int, default value: Int) -> Int {
            guard width > 0 else { return value }
            var result = 0
            for _ in 0..<width { result = result << 8 | Int(data[position]); position += 1 }
            return result
        }
        for (first, count) in ranges {
            for number in first..<(first + count) {
                guard position + entryLength <= data.count else { throw PDFError.damaged("cross-reference stream data") }
                let type = field(widths[0], default: 1), second = field(widths[1], default: 0), third = field(widths[2], default: 0)
                guard locations[number] == nil else { continue }
                switch type {
                case 0: locations[number] = .free
                case 1: locations[number] = .offset(second, generation: third)
                case 2: locations[number] = .inStream(second, index: third)
                default: break  // reserved types are skipped (§7.5.8.3)
                }
            }
        }
        return dictionary
    }

    /// The offset after the last `startxref`.
    static func startCrossReference(_ bytes: [UInt8]) throws -> Int {
        let tail = Array(bytes.suffix(2048))
        let keyword = Array("startxref".utf8)
        guard tail.count >= keyword.count else { throw PDFError.notAPDF }
        for index in stride(from: tail.count - keyword.count, through: 0, by: -1) where Array(tail[index..<(index + keyword.count)]) == keyword {
            var parser = PDFParser(tail, at: index + keyword.count)
            guard let offset = Int(parser.word()), offset > 0, offset < bytes.count else { throw PDFError.notAPDF }
            return offset
        }
        throw PDFError.notAPDF
    }

    /// The highest object number in use plus one (the trailer's /Size).
    public var size: Int { max(trailer["Size"]?.integerValue ?? 0, (locations.keys.max() ?? 0) + 1) }

    /// The generation of object `number` (objects in object streams have 0).
    public func generation(of number: Int) -> Int {
        if case .offset(_, let generation)? = locations[number] { return generation }
        return 0
    }

    /// The newest version of object `number`.
    public func object(_ number: Int) throws -> PDFObject {
        switch locations[number] {
        case .offset(let offset, _)?:
            guard offset < bytes.count else { throw PDFError.damaged("object \(number) lies beyond the end of the file") }
            var parser = PDFParser(bytes, at: offset)
            let (found, _) = try parser.objectHeader()
            guard found == number else { throw PDFError.damaged("object \(number) is not where the cross-reference says") }
            return try parser.object()
        case .inStream(let stream, let index)?:
            return try objectInStream(stream, index: index, number: number)
        default:
            throw PDFError.damaged("object \(number) is missing")
        }
    }

    /// An object kept in an object stream (§7.5.7): the stream's header lists object numbers and their offsets after
    /// /First.
    func objectInStream(_ stream: Int, index: Int, number: Int) throws -> PDFObject {
        let (dictionary, data) = try self.stream(stream)
        guard dictionary["Type"]?.nameValue == "ObjStm", let count = dictionary["N"]?.integerValue, let first = dictionary["First"]?.integerValue,
              index < count else { throw PDFError.damaged("object stream \(stream)") }
        var header = PDFParser(data)
        var pairs: [(Int, Int)] = []
        for _ in 0..<count {
            guard let objectNumber = Int(header.word()), let objectOffset = Int(header.word()) else { throw PDFError.damaged("object stream header") }
            pairs.append((objectNumber, objectOffset))
        }
        guard pairs[index].0 == number, first + pairs[index].1 < data.count else { throw PDFError.damaged("object \(number) in its stream") }
        var reader = PDFParser(data, at: first + pairs[index].1)
        return try reader.object()
    }

    /// Stream object `number`'s dictionary and decoded data (streams are never inside object streams, §7.5.7).
    func stream(_ number: Int) throws -> (PDFObject, [UInt8]) {
        guard case .offset(let offset, _)? = locations[number] else { throw PDFError.damaged("stream \(number) is missing") }
        var parser = PDFParser(bytes, at: offset)
        guard try parser.objectHeader().0 == number else { throw PDFError.damaged("stream \(number) is not where the cross-reference says") }
        let dictionary = try parser.object()
        let length: Int? = if case .reference(let lengthNumber, _)? = dictionary["Length"] { try object(lengthNumber).integerValue }
            else { dictionary["Length"]?.integerValue }
        return (dictionary, try PDFStreamData.decoded(dictionary, raw: try PDFStreamData.raw(dictionary, parser: &parser, length: length)))
    }

    /// Stream object `number`'s decoded data.
    public func streamData(_ number: Int) throws -> [UInt8] { try stream(number).1 }

    /// A page attribute that may be inherited from the page tree (§7.7.3.4: `/MediaBox`, `/CropBox`, `/Rotate`,
    /// `/Resources`).
    public func inherited(_ key: String, of pageNumber: Int) throws -> PDFObject? {
        var node = try object(pageNumber)
        for _ in 0..<64 {
            if let value = try resolve(node[key]) { return value }
            guard let parent = node["Parent"]?.referenceNumber else { return nil }
            node = try object(parent)
        }
        return nil
    }

    /// `object` itself, or what it refers to.
    public func resolve(_ object: PDFObject?) throws -> PDFObject? {
        guard let object else { return nil }
        if case .reference(let number, _) = object { return try self.object(number) }
        return object
    }

    public var catalogNumber: Int { trailer["Root"]!.referenceNumber! }

    /// The page objects' numbers in reading order.
    public func pages() throws -> [Int] {
        guard let pagesRoot = try object(catalogNumber)["Pages"]?.referenceNumber else { throw PDFError.damaged("catalog without /Pages") }
        var result: [Int] = []
        var visited: Set<Int> = []
        func walk(_ number: Int) throws {
            guard visited.insert(number).inserted, visited.count < 100_000 else { return }
            let node = try object(number)
            if node["Type"]?.nameValue == "Page" || node["Kids"] == nil {
                result.append(number)
                return
            }
            guard case .array(let kids)? = try resolve(node["Kids"]) else { throw PDFError.damaged("page tree") }
            for kid in kids { if let child = kid.referenceNumber { try walk(child) } }
        }
        try walk(pagesRoot)
        guard !result.isEmpty else { throw PDFError.damaged("no pages") }
        return result
    }
}
