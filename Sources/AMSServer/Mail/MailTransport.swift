import Foundation

/// Hands a message to a mail server. A seam: production uses ``SMTPTransport``; tests may use a real SMTP
/// server or a recording transport.
protocol MailTransport: Sendable {
    func send(_ mail: OutgoingMail) async throws
}

/// A delivery failure; `isPermanent` for 5xx replies (retrying will not help).
struct MailTransportError: Error, CustomStringConvertible {
    var description: String
    var isPermanent: Bool
}
