@testable import AMSPKI
import AMSTestTools
import Foundation
import Testing

/// AMS's own FlateDecode: what Python's zlib compresses (stored, fixed and dynamic Huffman blocks), it restores.
@Suite("Inflate (zlib, RFC 1950/1951)")
struct InflateTests {
    @Test(arguments: [0, 1, 6, 9])
    func whatZlibCompressesComesBack(level: Int) throws {
        let folder = try ScratchFolder("ams-inflate")
        defer { folder.remove() }
        // text with repeats (long matches), random bytes (literals), and an empty input
        let samples: [[UInt8]] = [Array(String(repeating: "1 0 obj << /Type /Page >> endobj\n", count: 400).utf8),
                                  (0..<50_000).map { _ in UInt8.random(in: 0...255) }, []]
        for sample in samples {
            let input = try folder.write("in.bin", sample)
            let output = folder.path("out.z")
            let run = try ExternalTool.run(["python3", "-c", "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.compress(open(sys.argv[1], 'rb').read(), \(level)))",
                                            input, output])
            #expect(run.status == 0, "\(run.stderr)")
            let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(try Inflate.zlib(compressed) == sample, "level \(level), \(sample.count) bytes")
        }
        // damaged input is refused, not a crash
        #expect(throws: PDFError.self) { try Inflate.zlib([0x78, 0x9C, 0xFF, 0xFF]) }
        #expect(throws: PDFError.self) { try Inflate.zlib(Array("not zlib".utf8)) }
    }
}
