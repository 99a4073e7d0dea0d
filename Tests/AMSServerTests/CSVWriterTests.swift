@testable import AMSServer
import Testing

@Suite("CSV cells: quoted when they must be, formulas neutralised")
struct CSVWriterTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("Diskominfo Provinsi Sumatera Barat", "Diskominfo Provinsi Sumatera Barat"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        // a details cell: JSON, quotes doubled around text that is not ASCII
        ("{\"nama\":\"Sígnatur 日本\"}", "\"{\"\"nama\"\":\"\"Sígnatur 日本\"\"}\""),
        ("line\nbreak", "\"line\nbreak\""),
        // Swift counts "\r\n" as one Character, equal neither to "\r" nor to "\n": the cell must still be quoted
        ("line\r\nbreak", "\"line\r\nbreak\""),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        // a formula start followed by a combining mark is one Character, but a spreadsheet still sees "=" first
        ("=\u{0301}1+1", "'=\u{0301}1+1"),
        ("\r\n=1", "\"'\r\n=1\""),
        ("Sígnatur ñ 日本", "Sígnatur ñ 日本"),
    ])
    func cell(raw: String, written: String) {
        #expect(CSVWriter.cell(raw) == written)
    }

    @Test func rowsEndWithCRLFAndSeparateCellsWithCommas() {
        var writer = CSVWriter()
        writer.row(["a", "b,c", ""])
        writer.row(["1"])
        #expect(writer.text == "a,\"b,c\",\r\n1\r\n")
    }
}
