import Foundation

/// A stream's data (ISO 32000-1 §7.3.8), decoded when it is FlateDecode (with or without a PNG predictor, §7.4.4.4) —
/// what cross-reference streams and object streams use.
enum PDFStreamData {
    /// The raw data after `stream`, where `parser` stands just after the stream's dictionary.
    static func raw(_ dictionary: PDFObject, parser: inout PDFParser, length: Int?) throws -> [UInt8] {
        guard parser.word() == "stream" else { throw PDFError.damaged("stream keyword") }
        // the keyword is followed by CRLF or LF
        if parser.position < parser.bytes.count, parser.bytes[parser.position] == 13 { parser.position += 1 }
        if parser.position < parser.bytes.count, parser.bytes[parser.position] == 10 { parser.position += 1 }
        guard let length, length >= 0, parser.position + length <= parser.bytes.count else { throw PDFError.damaged("stream length") }
        return Array(parser.bytes[parser.position..<(parser.position + length)])
    }

    static func decoded(_ dictionary: PDFObject, raw: [UInt8]) throws -> [UInt8] {
        let filters: [String]
        switch dictionary["Filter"] {
        case nil: filters = []
        case .name(let name)?: filters = [name]
        case .array(let names)?: filters = names.compactMap(\.nameValue)
        default: throw PDFError.damaged("stream filter")
        }
        guard filters.allSatisfy({ $0 == "FlateDecode" }), filters.count <= 1 else { throw PDFError.unsupported("stream filter \(filters)") }
        var data = filters.isEmpty ? raw : try Inflate.zlib(raw)
        let parameters: PDFObject? = if case .array(let list)? = dictionary["DecodeParms"] { list.first } else { dictionary["DecodeParms"] }
        if let predictor = parameters?["Predictor"]?.integerValue, predictor >= 10 {
            data = try unpredict(data, columns: parameters?["Columns"]?.integerValue ?? 1)
        } else if let predictor = parameters?["Predictor"]?.integerValue, predictor > 1 {
            throw PDFError.unsupported("TIFF predictor")
        }
        return data
    }

    /// Undoes PNG row filters (None, Sub, Up, Average, Paeth) for rows of `columns` bytes, `bytesPerPixel` to a pixel
    /// (the distance the Sub, Average and Paeth filters look back).
    static func unpredict(_ data: [UInt8], columns: Int, bytesPerPixel: Int = 1) throws -> [UInt8] {
        guard columns > 0 else { throw PDFError.damaged("predictor columns") }
        let rowLength = columns + 1
        guard data.count % rowLength == 0 else { throw PDFError.damaged("predicted rows") }
        var out: [UInt8] = []
        out.reserveCapacity(data.count / rowLength * columns)
        var previous = [UInt8](repeating: 0, count: columns)
        for rowStart in stride(from: 0, to: data.count, by: rowLength) {
            let filter = data[rowStart]
            var row = Array(data[(rowStart + 1)..<(rowStart + rowLength)])
            for index in 0..<columns {
                let back = index - bytesPerPixel
                let left = back >= 0 ? Int(row[back]) : 0, up = Int(previous[index]), upLeft = back >= 0 ? Int(previous[back]) : 0
                let add: Int
                switch filter {
                case 0: add = 0
                case 1: add = left
                case 2: add = up
                case 3: add = (left + up) / 2
                case 4:
                    let p = left + up - upLeft, pa = abs(p - left), pb = abs(p - up), pc = abs(p - upLeft)
                    add = pa <= pb && pa <= pc ? left : (pb <= pc ? up : upLeft)
                default: throw PDFError.damaged("PNG filter \(filter)")
                }
                row[index] = UInt8((Int(row[index]) + add) & 0xFF)
            }
            out += row
            previous = row
        }
        return out
    }
}
