import Foundation

/// What the signing tests share (`tests` is the Tests folder): the PDF corpus (`../shared/pdf-corpus`, copied as it is into
/// `Tests/Fixtures/pdf-corpus` so a clone anywhere has it) and pyHanko as the validator of signed PDFs.
public enum SigningFixtures {
    public static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    public static let corpus = tests.appendingPathComponent("Fixtures/pdf-corpus")

    public static func document(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
    }

    /// pyHanko's verdict on `pdf` under the PEM roots at `rootPaths`: one line per signature (see
    /// `Tests/Signing/pyhanko_validate.py`).
    public static func pyHankoVerdict(_ pdf: [UInt8], rootPaths: [String]) throws -> ExternalTool.Output {
        let folder = try ScratchFolder("ams-pyhanko")
        defer { folder.remove() }
        let path = try folder.write("signed.pdf", pdf)
        return try ExternalTool.run(["python3", tests.appendingPathComponent("Signing/pyhanko_validate.py").path, path] + rootPaths)
    }

    /// pyHanko's long-term validation of `pdf`, offline, under the PEM roots at `rootPaths` (at `time`, else now): the
    /// DSS line and one line per signature (see `Tests/Signing/pyhanko_ltv.py`).
    public static func pyHankoLongTerm(_ pdf: [UInt8], rootPaths: [String], at time: Date? = nil) throws -> ExternalTool.Output {
        let folder = try ScratchFolder("ams-pyhanko-ltv")
        defer { folder.remove() }
        let path = try folder.write("signed.pdf", pdf)
        let at = time.map { ["--at", ISO8601DateFormatter().string(from: $0)] } ?? []
        return try ExternalTool.run(["python3", tests.appendingPathComponent("Signing/pyhanko_ltv.py").path, path] + rootPaths + at)
    }

    /// A specimen signature image from `Tests/Fixtures/specimen` (made with Ghostscript from `sig.ps`).
    public static func specimen(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: tests.appendingPathComponent("Fixtures/specimen").appendingPathComponent(name)))
    }

    /// Page `page` (1-based) of `pdf` as Ghostscript renders it, in grey at `dpi`: width, height and one byte per
    /// pixel, rows from the top (a PGM's raster).
    public static func render(_ pdf: [UInt8], page: Int, dpi: Int = 72) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let folder = try ScratchFolder("ams-render")
        defer { folder.remove() }
        let image = try folder.read(try ghostscript(pdf, page: page, device: "pgmraw", dpi: dpi, in: folder))
        // "P5\n<width> <height>\n255\n" then the raster
        var fields: [String] = [], position = 0, current = ""
        while fields.count < 4, position < image.count {
            let byte = image[position]
            position += 1
            if byte == UInt8(ascii: "#") { while position < image.count, image[position] != 10 { position += 1 }; continue }
            if [9, 10, 13, 32].contains(byte) { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(Character(UnicodeScalar(byte))) }
        }
        guard fields.count == 4, fields[0] == "P5", let width = Int(fields[1]), let height = Int(fields[2]), image.count - position >= width * height else {
            throw RenderFailure(message: "not a PGM")
        }
        return (width, height, Array(image[position..<(position + width * height)]))
    }

    /// What zbar reads from the QR codes in page `page` of `pdf` (rendered at 200 dpi), one line per code.
    public static func qrCodes(in pdf: [UInt8], page: Int) throws -> [String] {
        let folder = try ScratchFolder("ams-zbar")
        defer { folder.remove() }
        let image = try ghostscript(pdf, page: page, device: "pnggray", dpi: 200, in: folder)
        let read = try ExternalTool.run(["zbarimg", "--quiet", "--raw", folder.path(image)])
        return read.stdout.split(separator: "\n").map(String.init)
    }

    /// Renders page `page` of `pdf` with Ghostscript's `device` into `folder`; returns the image's name there.
    static func ghostscript(_ pdf: [UInt8], page: Int, device: String, dpi: Int, in folder: ScratchFolder) throws -> String {
        let path = try folder.write("document.pdf", pdf)
        let output = try ExternalTool.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=" + device, "-r\(dpi)",
                                           "-dFirstPage=\(page)", "-dLastPage=\(page)", "-sOutputFile=" + folder.path("page.image"), path])
        guard output.status == 0 else { throw RenderFailure(message: output.stderr) }
        return "page.image"
    }

    public struct RenderFailure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "rendering failed: \(message)" }
    }
}
