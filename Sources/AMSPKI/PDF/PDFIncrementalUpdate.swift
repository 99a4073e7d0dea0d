import Foundation

/// One incremental update (ISO 32000-1 §7.5.6) being written: objects rewritten or added, then a cross-reference
/// section for them — a table, or a stream when the document's newest section is one (§7.5.8) — and a trailer that
/// points back to the previous section. Every earlier byte stays as it was.
struct PDFIncrementalUpdate {
    let document: PDFDocument
    /// The next free object number.
    private(set) var next: Int
    private var objects: [(number: Int, body: [UInt8])] = []

    init(_ document: PDFDocument) {
        self.document = document
        next = document.size
    }

    /// A new object number.
    mutating func reserve() -> Int {
        defer { next += 1 }
        return next
    }

    /// Writes `body` as object `number` (a new one, or a new version of an existing one).
    mutating func write(_ number: Int, _ body: [UInt8]) {
        objects.append((number, body))
    }

    /// Adds a new object; returns a reference to it.
    mutating func add(_ body: [UInt8]) -> PDFObject {
        let number = reserve()
        write(number, body)
        return .reference(number: number, generation: 0)
    }

    /// Adds a stream object with `entries` (its `/Length` added) and `data`.
    mutating func addStream(_ entries: [(key: String, value: PDFObject)], _ data: [UInt8]) -> PDFObject {
        add(PDFObject.dictionary(entries + [("Length", .integer(data.count))]).serialized + Array("\nstream\n".utf8) + data + Array("\nendstream".utf8))
    }

    /// The document with this update appended, and where each written object's body starts in it.
    func appended() -> (bytes: [UInt8], bodyOffsets: [Int: Int]) {
        var out = document.bytes
        if out.last != 10 && out.last != 13 { out.append(10) }
        var offsets: [Int: Int] = [:], bodies: [Int: Int] = [:]
        for (number, body) in objects {
            offsets[number] = out.count
            out += Array("\(number) \(document.generation(of: number)) obj\n".utf8)
            bodies[number] = out.count
            out += body
            out += Array("\nendobj\n".utf8)
        }
        var size = next
        var trailer: [(key: String, value: PDFObject)] = [("Root", document.trailer["Root"]!)]
        if let info = document.trailer["Info"] { trailer.append(("Info", info)) }
        let newID = PDFObject.string(Array(SerialNumberGenerator().next().hexString.uppercased().utf8), hex: true)
        if case .array(let ids)? = document.trailer["ID"], let first = ids.first {
            trailer.append(("ID", .array([first, newID])))
        } else {
            trailer.append(("ID", .array([newID, newID])))
        }
        trailer.append(("Prev", .integer(document.lastCrossReference)))
        let crossReferenceAt = out.count
        if document.usesCrossReferenceStreams {
            // uncompressed, entries of 1 + 4 + 2 bytes
            let streamNumber = size
            size += 1
            offsets[streamNumber] = crossReferenceAt
            var data: [UInt8] = []
            for number in offsets.keys.sorted() {
                let offset = offsets[number]!, generation = document.generation(of: number)
                data += [1, UInt8(offset >> 24 & 0xFF), UInt8(offset >> 16 & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset & 0xFF),
                         UInt8(generation >> 8 & 0xFF), UInt8(generation & 0xFF)]
            }
            let index = Self.runs(offsets.keys.sorted()).flatMap { [PDFObject.integer($0.first), .integer($0.count)] }
            let dictionary = PDFObject.dictionary([("Type", .name("XRef")), ("Size", .integer(size))] + trailer + [
                ("W", .array([.integer(1), .integer(4), .integer(2)])), ("Index", .array(index)), ("Length", .integer(data.count)),
            ])
            out += Array("\(streamNumber) 0 obj\n".utf8) + dictionary.serialized + Array("\nstream\n".utf8) + data
            out += Array("\nendstream\nendobj\n".utf8)
        } else {
            out += Array("xref\n".utf8)
            for run in Self.runs(offsets.keys.sorted()) {
                out += Array("\(run.first) \(run.count)\n".utf8)
                for number in run.first..<(run.first + run.count) {
                    out += Array(String(format: "%010d %05d n\r\n", offsets[number]!, document.generation(of: number)).utf8)
                }
            }
            out += Array("trailer\n".utf8) + PDFObject.dictionary([("Size", .integer(size))] + trailer).serialized + [10]
        }
        out += Array("startxref\n\(crossReferenceAt)\n%%EOF\n".utf8)
        return (out, bodies)
    }

    /// Consecutive object numbers grouped as (first, count), for cross-reference subsections.
    static func runs(_ sorted: [Int]) -> [(first: Int, count: Int)] {
        var result: [(first: Int, count: Int)] = []
        for number in sorted {
            if let last = result.last, last.first + last.count == number { result[result.count - 1].count += 1 } else { result.append((number, 1)) }
        }
        return result
    }
}
