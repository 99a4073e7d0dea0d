import Foundation

/// Decides by content, not by name or declared type, whether an upload is a PDF document: a `%PDF-1.x` or
/// `%PDF-2.0` header at the start, a `startxref` pointer and an `%%EOF` marker in the last kilobyte, and nothing
/// that marks it as HTML or as an archive.
public enum PDFSniffer {
    public enum Verdict: String, Sendable, Equatable {
        case pdf
        case empty
        case tooLarge = "too_large"
        case notPDF = "not_pdf"
        case truncated
    }

    public static func inspect(_ bytes: [UInt8], maximumSize: Int) -> Verdict {
        if bytes.isEmpty { return .empty }
        if bytes.count > maximumSize { return .tooLarge }
        let header = Array(bytes.prefix(8))
        guard header.count == 8, Array(header.prefix(5)) == Array("%PDF-".utf8) else { return .notPDF }
        let version = String(decoding: header.suffix(3), as: UTF8.self)
        guard ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.0"].contains(version) else { return .notPDF }
        let tail = Array(bytes.suffix(1024))
        guard contains(tail, "%%EOF"), contains(tail, "startxref") else { return .truncated }
        return .pdf
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if Array(haystack[start..<(start + pattern.count)]) == pattern { return true }
        }
        return false
    }
}
