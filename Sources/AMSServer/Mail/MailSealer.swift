import Crypto
import Foundation

/// Seals outbox bodies (and other queued work that carries secrets, such as what was typed into the password-reset
/// form) with AES-256-GCM under a key kept outside the database, bound to the row's id, so initial passwords and
/// links in queued mail are not readable from a database dump.
struct MailSealer: Sendable {
    let key: SymmetricKey

    func seal(_ message: MailMessage, messageID: String) throws -> String {
        try seal(value: message, binding: messageID)
    }

    func open(_ sealed: String, messageID: String) throws -> MailMessage {
        try open(MailMessage.self, sealed, binding: messageID)
    }

    func seal<Value: Encodable>(value: Value, binding: String) throws -> String {
        let plain = try JSONEncoder().encode(value)
        let box = try AES.GCM.seal(plain, using: key, authenticating: Data(binding.utf8))
        guard let combined = box.combined else { throw MailTransportError(description: "sealing failed", isPermanent: true) }
        return combined.base64EncodedString()
    }

    func open<Value: Decodable>(_ type: Value.Type, _ sealed: String, binding: String) throws -> Value {
        guard let data = Data(base64Encoded: sealed) else {
            throw MailTransportError(description: "sealed body is not base64", isPermanent: true)
        }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: key, authenticating: Data(binding.utf8))
        return try JSONDecoder().decode(type, from: plain)
    }
}
