import AMSCore
import Foundation
import Testing

@Suite("JSON text written directly")
struct JSONTextTests {
    @Test("objects keep the order given and read back through JSONDecoder, escapes and all")
    func objectsReadBack() throws {
        let values = ["plain", "", "say \"hi\"", #"C:\path\to"#, "line\nbreak\r\ttab", "\u{0}\u{08}\u{0C}\u{1F}", "Müller – 日本 😀",
                      "a/b", "\u{2028}\u{2029}", #"{"nested":"json"}"#]
        let pairs = values.enumerated().map { (key: "k\($0.offset)", value: $0.element) }
        let text = JSONText.object(pairs)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(decoded == Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) }))
        #expect(text.hasPrefix(#"{"k0":"plain","k1":"","k2":"say \"hi\"","#))
        #expect(JSONText.object([]) == "{}")
    }

    @Test("control characters are escaped, as RFC 8259 requires")
    func controlCharactersEscaped() {
        var out = ""
        JSONText.appendString("\u{1}x\u{1F}", to: &out)
        #expect(out == #""\u0001x\u001f""#)
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 })
    }
}
