import AMSCore
import Foundation
import Testing

@Suite("Recognising PDF uploads by content")
struct PDFSnifferTests {
    /// A small but well-formed PDF (one empty page), as a scanner's export would start and end.
    static let minimalPDF = Array("""
    %PDF-1.4
    1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
    2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
    3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
    xref
    0 4
    0000000000 65535 f 
    0000000009 00000 n 
    0000000058 00000 n 
    0000000115 00000 n 
    trailer << /Size 4 /Root 1 0 R >>
    startxref
    186
    %%EOF

    """.utf8)

    @Test func acceptsAWellFormedPDF() {
        #expect(PDFSniffer.inspect(Self.minimalPDF, maximumSize: 2_000_000) == .pdf)
    }

    @Test func refusesHTMLZipAndEmptyFiles() {
        #expect(PDFSniffer.inspect(Array("<html><body>%PDF-1.4</body></html>".utf8), maximumSize: 1000) == .notPDF)
        #expect(PDFSniffer.inspect([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 40), maximumSize: 1000) == .notPDF)
        #expect(PDFSniffer.inspect([], maximumSize: 1000) == .empty)
        #expect(PDFSniffer.inspect(Array("%PDF-9.9\n".utf8) + Self.minimalPDF.dropFirst(9), maximumSize: 2_000_000) == .notPDF)
    }

    @Test func refusesAPDFHeaderOnJunk() {
        var junk = Array("%PDF-1.7\n".utf8)
        junk += (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(PDFSniffer.inspect(junk, maximumSize: 2_000_000) == .truncated)
    }

    @Test func refusesOversizedFilesBeforeLookingFurther() {
        #expect(PDFSniffer.inspect(Self.minimalPDF, maximumSize: Self.minimalPDF.count - 1) == .tooLarge)
        #expect(PDFSniffer.inspect(Self.minimalPDF, maximumSize: Self.minimalPDF.count) == .pdf)
    }
}
