@testable import AMSPKI
import AMSTestTools
import Foundation
import Testing

/// AMS's own QR encoder, read back by an independent decoder (zbar, Debian `zbar-tools`) at every version it makes.
@Suite("QR codes read back by zbar")
struct QRCodeTests {
    /// The code as a PBM image, each module `scale` pixels, with the four-module quiet zone.
    static func pbm(_ code: QRCode, scale: Int = 4) -> String {
        let quiet = 4, side = (code.size + 2 * quiet) * scale
        var rows: [String] = []
        for y in 0..<side {
            let row = (0..<side).map { x -> String in
                let r = y / scale - quiet, c = x / scale - quiet
                return (0..<code.size).contains(r) && (0..<code.size).contains(c) && code.modules[r][c] ? "1" : "0"
            }
            rows.append(row.joined(separator: " "))
        }
        return "P1\n\(side) \(side)\n" + rows.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 20, 40, 60, 80, 100, 120, 150, 180, 210])
    func zbarReadsWhatItEncodes(length: Int) throws {
        // a link like the signature's, grown to the length under test
        let base = "https://ams.bsre.go.id/v/"
        let text = base + String((0..<(length - base.count).clamped(to: 0...Int.max)).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let payload = String(text.prefix(max(length, 1)))
        let code = try QRCode(Array(payload.utf8))
        let folder = try ScratchFolder("ams-qr")
        defer { folder.remove() }
        let image = try folder.write("code.pbm", Self.pbm(code))
        let read = try ExternalTool.run(["zbarimg", "--quiet", "--raw", image])
        #expect(read.stdout.trimmingCharacters(in: .newlines) == payload, "version \(code.version), \(payload.count) bytes: \(read.combined)")
    }

    @Test func moreThanVersionTenHoldsIsRefused() {
        #expect(throws: QRCode.Failure.tooLong(214)) { try QRCode([UInt8](repeating: 0x41, count: 214)) }
        #expect(try! QRCode([UInt8](repeating: 0x41, count: 213)).version == 10)
    }
}

private extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
