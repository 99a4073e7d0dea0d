import Foundation

/// Renders an ``OutgoingMail`` as an RFC 5322 message: UTF-8 text, base64 body (so no line starts with a dot and
/// no line is too long), RFC 2047 encoded subject when it is not plain ASCII.
enum MailFormatter {
    static func render(_ mail: OutgoingMail, senderAddress: String, senderName: String) -> String {
        var lines: [String] = []
        lines.append("From: \(encodedWord(senderName)) <\(senderAddress)>")
        lines.append("To: <\(mail.message.recipient)>")
        lines.append("Subject: \(encodedWord(mail.message.subject))")
        lines.append("Date: \(rfc5322Date(mail.date))")
        lines.append("Message-ID: <\(mail.messageID)>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("")
        let encoded = Data(mail.message.body.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII && !$0.isNewline }) && !clean.contains("=?") { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
