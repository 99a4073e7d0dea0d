/// JSON text written directly, for the fixed shapes AMS stores by the thousand (audit details, sealed mails):
/// strings escaped as RFC 8259 requires (quote, backslash, control characters), everything else as it is.
public enum JSONText {
    /// A JSON object of string values, keys in the order given.
    public static func object(_ pairs: [(key: String, value: String)]) -> String {
        var out = "{"
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out += "," }
            appendString(pair.key, to: &out)
            out += ":"
            appendString(pair.value, to: &out)
        }
        return out + "}"
    }

    /// Appends `text` as a JSON string literal.
    public static func appendString(_ text: String, to out: inout String) {
        // most values (serials, names, identifiers) need no escaping: copied whole
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += "\""
            out += text
            out += "\""
            return
        }
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
