import Foundation

/// The drawing of a visible signature (a form XObject's content, ISO 32000-1 §8.10, §12.7.4.3) in a box of the
/// given size: the QR code on the left, the specimen image above the text on the right, the text in Helvetica (a
/// standard font every reader has) sized so the lines fit, on white with a thin frame.
struct AppearanceStream {
    let width: Double
    let height: Double
    let qr: QRCode?
    let hasImage: Bool
    let imageAspect: Double
    let lines: [String]

    /// Resource names the content uses.
    static let fontName = "Helv", imageName = "Img"
    static let padding = 3.0
    /// Modules of white around the QR code (readers want some).
    static let quietModules = 2

    var content: [UInt8] {
        // a white ground (it covers a text marker under the box) and a thin grey frame
        var out = "q 1 1 1 rg 0 0 \(Self.n(width)) \(Self.n(height)) re f "
            + "0.55 0.55 0.55 RG 0.6 w 0.3 0.3 \(Self.n(width - 0.6)) \(Self.n(height - 0.6)) re S Q\n"
        var left = Self.padding
        let innerHeight = height - 2 * Self.padding
        if let qr {
            let side = min(innerHeight, (width - 2 * Self.padding) * (hasImage || !lines.isEmpty ? 0.45 : 1))
            out += Self.draw(qr, x: left, y: (height - side) / 2, side: side)
            left += side + Self.padding
        }
        let areaWidth = width - left - Self.padding
        guard areaWidth > 4 else { return Array(out.utf8) }
        var textHeight = 0.0
        var text: (size: Double, lines: [String]) = (0, [])
        if !lines.isEmpty {
            text = Self.fit(lines, width: areaWidth, height: hasImage ? innerHeight * 0.5 : innerHeight)
            textHeight = Double(text.lines.count) * text.size * 1.2
        }
        if hasImage {
            // the image fills what the text leaves, keeping its proportions
            let boxHeight = innerHeight - textHeight - (textHeight > 0 ? 2 : 0)
            var drawWidth = areaWidth, drawHeight = areaWidth / imageAspect
            if drawHeight > boxHeight { drawHeight = boxHeight; drawWidth = boxHeight * imageAspect }
            if drawWidth > 0, drawHeight > 0 {
                let y = height - Self.padding - drawHeight
                out += "q \(Self.n(drawWidth)) 0 0 \(Self.n(drawHeight)) \(Self.n(left)) \(Self.n(y)) cm /\(Self.imageName) Do Q\n"
            }
        }
        if !text.lines.isEmpty {
            // the text block sits at the bottom under an image, else centred vertically
            let top = hasImage ? Self.padding + textHeight : (height + textHeight) / 2
            out += "BT 0 0 0 rg /\(Self.fontName) \(Self.n(text.size)) Tf \(Self.n(text.size * 1.2)) TL \(Self.n(left)) \(Self.n(top - text.size)) Td\n"
            var bytes = Array(out.utf8)
            for (index, line) in text.lines.enumerated() {
                if index > 0 { bytes += Array("T* ".utf8) }
                bytes += PDFObject.literal(Self.winAnsi(line)).serialized + Array(" Tj\n".utf8)
            }
            return bytes + Array("ET\n".utf8)
        }
        return Array(out.utf8)
    }

    /// The dark modules as filled rectangles (one per horizontal run), inside a quiet zone.
    static func draw(_ qr: QRCode, x: Double, y: Double, side: Double) -> String {
        let module = side / Double(qr.size + 2 * quietModules)
        var out = "q 0 0 0 rg\n"
        for (row, modules) in qr.modules.enumerated() {
            var column = 0
            while column < qr.size {
                guard modules[column] else { column += 1; continue }
                let start = column
                while column < qr.size, modules[column] { column += 1 }
                let top = y + side - Double(quietModules + row + 1) * module
                out += "\(n(x + Double(quietModules + start) * module)) \(n(top)) \(n(Double(column - start) * module)) \(n(module)) re\n"
            }
        }
        return out + "f Q\n"
    }

    /// The largest font size (9 pt down to 4) at which `lines`, wrapped at spaces, fit the box; at the smallest, the
    /// lines that fit.
    static func fit(_ lines: [String], width: Double, height: Double) -> (size: Double, lines: [String]) {
        var size = 9.0
        while true {
            let wrapped = lines.flatMap { wrap($0, width: width, size: size) }
            if Double(wrapped.count) * size * 1.2 <= height || size <= 4 {
                let fitting = max(1, Int(height / (size * 1.2)))
                return (size, Array(wrapped.prefix(fitting)))
            }
            size -= 0.5
        }
    }

    static func wrap(_ line: String, width: Double, size: Double) -> [String] {
        var result: [String] = [], current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if measure(candidate, size: size) <= width || current.isEmpty {
                current = candidate
            } else {
                result.append(current)
                current = word
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The width of `text` in Helvetica at `size` points (Adobe's metrics for ASCII; 556/1000 em otherwise).
    static func measure(_ text: String, size: Double) -> Double {
        winAnsi(text).reduce(0.0) { total, byte in
            let index = Int(byte) - 32
            return total + Double(index >= 0 && index < helveticaWidths.count ? helveticaWidths[index] : 556) * size / 1000
        }
    }

    static let helveticaWidths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space ! " # $ % & ' ( ) * + , - . /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0–9 : ; < = > ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ A–O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P–Z [ \ ] ^ _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` a–o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  // p–z { | } ~
    ]

    /// The text in WinAnsiEncoding (Latin-1 for what it shares); anything else becomes `?`.
    static func winAnsi(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            let value = scalar.value
            return (32...126).contains(value) || (0xA0...0xFF).contains(value) ? UInt8(value) : UInt8(ascii: "?")
        }
    }

    /// A number as PDF content writes it: two decimals at most.
    static func n(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }
}
