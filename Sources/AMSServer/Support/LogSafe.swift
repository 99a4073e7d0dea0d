import Foundation

/// Makes user-supplied text safe to put in a log line or audit field: control characters (newlines included)
/// become visible escapes, so nobody can forge a second log line, and length is capped.
enum LogSafe {
    static func field(_ text: String, limit: Int = 512) -> String {
        // printable ASCII within the limit (nearly every field) is already safe
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out += String(format: "\\u{%04x}", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
