import Crypto
import Foundation

/// Seals outbox bodies with AES-256-GCM under a key kept outside the database, bound to the message id, so
/// initial passwords and links in queued mail are not readable from a database dump.
struct MailSealer: Sendable {
    let key: SymmetricKey

    func seal(_ message: MailMessage, messageID: String) throws -> String {
        let plain = try JSONEncoder().encode(message)
        let box = try AES.GCM.seal(plain, using: key, authenticating: Data(messageID.utf8))
        guard let combined = box.combined else { throw MailTransportError(description: "sealing failed", isPermanent: true) }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String, messageID: String) throws -> MailMessage {
        guard let data = Data(base64Encoded: sealed) else {
            throw MailTransportError(description: "sealed body is not base64", isPermanent: true)
        }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: key, authenticating: Data(messageID.utf8))
        return try JSONDecoder().decode(MailMessage.self, from: plain)
    }
}
