import Fluent
import Foundation

/// A CA certificate of AMS (root, issuing, or delegated OCSP responder) with its private key sealed under the
/// key-encryption key (AES-GCM), which lives outside the database.
final class CertificateAuthorityModel: Model, @unchecked Sendable {
    static let schema = "certificate_authorities"

    enum Role: String, Codable, Sendable {
        case root
        case issuing
        case ocspResponder = "ocsp"
        /// The time-stamping unit of AMS's TSA (`/pki/tsa`).
        case timeStamping = "tsa"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "label") var label: String
    @Field(key: "role") var role: Role
    @Field(key: "key_algorithm") var keyAlgorithm: String
    @Field(key: "certificate_der") var certificateDER: Data
    @Field(key: "sealed_key") var sealedKey: Data
    @Field(key: "subject") var subject: String
    @Field(key: "serial_hex") var serialHex: String
    @Field(key: "not_before") var notBefore: Date
    @Field(key: "not_after") var notAfter: Date
    /// The one CA of its role in use (older responder certificates stay for the record).
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
