import Foundation

/// A plain-text mail as AMS composes it (before sealing into the outbox).
struct MailMessage: Sendable, Equatable, Codable {
    var recipient: String
    var subject: String
    var body: String
    /// The template key, for the outbox list and the audit entry; never secret.
    var template: String
}

/// A message as handed to the transport: composed mail plus its fixed identity.
struct OutgoingMail: Sendable, Equatable {
    var message: MailMessage
    var messageID: String
    var date: Date
}
