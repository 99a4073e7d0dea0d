import Foundation

/// Documents for upload tests: a small well-formed PDF and the fakes the form must refuse.
enum SampleDocuments {
    static func pdf(_ title: String = "Surat Rekomendasi") -> [UInt8] {
        Array("""
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R /Title (\(title)) >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
        xref
        0 4
        0000000000 65535 f 
        trailer << /Size 4 /Root 1 0 R >>
        startxref
        9
        %%EOF

        """.utf8)
    }

    static let html = Array("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".utf8)
    static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00] + Array(repeating: 0x41, count: 200)
    static let pdfHeaderOnJunk = Array("%PDF-1.7\n".utf8) + (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
}
