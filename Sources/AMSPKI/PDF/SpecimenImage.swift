import Foundation

/// A holder's specimen signature image (PNG or JPEG, recognised by its content, not its name) as a PDF image
/// XObject (ISO 32000-1 §8.9.5) for a visible signature's appearance.
///
/// A JPEG goes in as it is (`/DCTDecode`). An opaque 8-bit PNG keeps its compressed data (`/FlateDecode` with the PNG
/// predictor, §7.4.4.4); a PNG with transparency (an alpha channel or a palette's `tRNS`) is decoded and split into
/// colour and a soft mask (`/SMask`), both run-length encoded (§7.4.5) — a scanned signature is mostly runs of one
/// colour. Interlaced PNGs and bit depths other than 8 are refused with a clear reason.
public struct SpecimenImage: Sendable {
    /// One PDF image stream: its dictionary entries (without `/Length` and `/SMask`) and its data.
    struct Stream: Sendable {
        var entries: [(key: String, value: PDFObject)]
        var data: [UInt8]
    }

    public let width: Int
    public let height: Int
    let color: Stream
    let mask: Stream?

    /// The largest image accepted, in bytes and in pixels per side.
    public static let maximumBytes = 1024 * 1024
    public static let maximumSide = 4000

    public enum Failure: Error, Sendable, Equatable {
        /// Neither a PNG nor a JPEG.
        case notAnImage
        /// A PNG or JPEG this encoder does not take (the reason in English, for logs).
        case unsupported(String)
        case tooLarge
    }

    public init(_ bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumBytes else { throw Failure.tooLarge }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            (width, height, color, mask) = try Self.png(bytes)
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            (width, height, color) = try Self.jpeg(bytes)
            mask = nil
        } else {
            throw Failure.notAnImage
        }
        guard width > 0, height > 0, width <= Self.maximumSide, height <= Self.maximumSide else { throw Failure.unsupported("size") }
    }

    // MARK: JPEG

    /// Width, height and components from the first start-of-frame marker (baseline, extended or progressive).
    static func jpeg(_ bytes: [UInt8]) throws -> (Int, Int, Stream) {
        var position = 2
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { throw Failure.unsupported("JPEG marker") }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            if [0xC0, 0xC1, 0xC2].contains(marker) {
                guard position + 9 < bytes.count else { break }
                let height = Int(bytes[position + 5]) << 8 | Int(bytes[position + 6])
                let width = Int(bytes[position + 7]) << 8 | Int(bytes[position + 8])
                let space: String
                switch bytes[position + 9] {
                case 1: space = "DeviceGray"
                case 3: space = "DeviceRGB"
                default: throw Failure.unsupported("JPEG with \(bytes[position + 9]) components")
                }
                return (width, height, Stream(entries: [
                    ("Type", .name("XObject")), ("Subtype", .name("Image")), ("Width", .integer(width)), ("Height", .integer(height)),
                    ("ColorSpace", .name(space)), ("BitsPerComponent", .integer(8)), ("Filter", .name("DCTDecode")),
                ], data: bytes))
            }
            guard length >= 2 else { throw Failure.unsupported("JPEG segment") }
            position += 2 + length
        }
        throw Failure.unsupported("JPEG without a frame header")
    }

    // MARK: PNG

    static func png(_ bytes: [UInt8]) throws -> (Int, Int, Stream, Stream?) {
        var position = 8
        var header: [UInt8] = [], palette: [UInt8] = [], transparency: [UInt8] = [], data: [UInt8] = []
        while position + 8 <= bytes.count {
            let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let start = position + 8
            guard length >= 0, start + length + 4 <= bytes.count else { throw Failure.unsupported("PNG chunk beyond the end") }
            let body = Array(bytes[start..<(start + length)])
            switch type {
            case "IHDR": header = body
            case "PLTE": palette = body
            case "tRNS": transparency = body
            case "IDAT": data += body
            default: break
            }
            if type == "IEND" { break }
            position = start + length + 4
        }
        guard header.count == 13 else { throw Failure.unsupported("PNG without a header") }
        let width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        let height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        let depth = header[8], colorType = header[9], interlaced = header[12] != 0
        guard width > 0, height > 0, width <= maximumSide, height <= maximumSide else { throw Failure.unsupported("size") }
        guard depth == 8 else { throw Failure.unsupported("PNG bit depth \(depth)") }
        guard !interlaced else { throw Failure.unsupported("interlaced PNG") }
        let channels: Int
        let space: PDFObject
        switch colorType {
        case 0: channels = 1; space = .name("DeviceGray")
        case 2: channels = 3; space = .name("DeviceRGB")
        case 3:
            guard !palette.isEmpty, palette.count % 3 == 0 else { throw Failure.unsupported("PNG palette") }
            channels = 1
            space = .array([.name("Indexed"), .name("DeviceRGB"), .integer(palette.count / 3 - 1), .string(Array(palette.hexString.utf8), hex: true)])
        case 4: channels = 2; space = .name("DeviceGray")
        case 6: channels = 4; space = .name("DeviceRGB")
        default: throw Failure.unsupported("PNG colour type \(colorType)")
        }
        let image: [(key: String, value: PDFObject)] = [
            ("Type", .name("XObject")), ("Subtype", .name("Image")), ("Width", .integer(width)), ("Height", .integer(height)),
            ("ColorSpace", space), ("BitsPerComponent", .integer(8)),
        ]
        let hasAlpha = colorType == 4 || colorType == 6 || (colorType == 3 && !transparency.isEmpty)
        if !hasAlpha {
            // opaque: the compressed rows as they are, undone by the reader with the PNG predictor
            let parameters = PDFObject.dictionary([("Predictor", .integer(15)), ("Colors", .integer(channels)),
                                                   ("BitsPerComponent", .integer(8)), ("Columns", .integer(width))])
            return (width, height, Stream(entries: image + [("Filter", .name("FlateDecode")), ("DecodeParms", parameters)], data: data), nil)
        }
        let pixels: [UInt8]
        do {
            let inflated = try Inflate.zlib(data, limit: (width * channels + 1) * height)
            pixels = try PDFStreamData.unpredict(inflated, columns: width * channels, bytesPerPixel: channels)
        } catch {
            throw Failure.unsupported("PNG data")
        }
        guard pixels.count == width * height * channels else { throw Failure.unsupported("PNG data length") }
        var color: [UInt8] = [], alpha: [UInt8] = []
        color.reserveCapacity(width * height * max(1, channels - 1))
        alpha.reserveCapacity(width * height)
        if colorType == 3 {
            color = pixels
            alpha = pixels.map { Int($0) < transparency.count ? transparency[Int($0)] : 255 }
        } else {
            for start in stride(from: 0, to: pixels.count, by: channels) {
                color += pixels[start..<(start + channels - 1)]
                alpha.append(pixels[start + channels - 1])
            }
        }
        let mask = Stream(entries: [
            ("Type", .name("XObject")), ("Subtype", .name("Image")), ("Width", .integer(width)), ("Height", .integer(height)),
            ("ColorSpace", .name("DeviceGray")), ("BitsPerComponent", .integer(8)), ("Filter", .name("RunLengthDecode")),
        ], data: runLength(alpha))
        return (width, height, Stream(entries: image + [("Filter", .name("RunLengthDecode"))], data: runLength(color)), mask)
    }

    /// PDF's RunLengthDecode encoding (§7.4.5): runs of 2–128 equal bytes as `257 - n, byte`, the rest literally in
    /// pieces of up to 128 as `n - 1, bytes…`, then the end-of-data byte 128.
    static func runLength(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        var literal: [UInt8] = []
        func flush() {
            guard !literal.isEmpty else { return }
            out.append(UInt8(literal.count - 1))
            out += literal
            literal.removeAll(keepingCapacity: true)
        }
        while index < input.count {
            var run = 1
            while index + run < input.count, run < 128, input[index + run] == input[index] { run += 1 }
            if run >= 2 {
                flush()
                out += [UInt8(257 - run), input[index]]
            } else {
                literal.append(input[index])
                if literal.count == 128 { flush() }
            }
            index += run
        }
        flush()
        out.append(128)
        return out
    }
}
