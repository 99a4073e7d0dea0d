import Fluent
import Foundation

/// One signature AMS made for a holder: who, with which certificate, the document's SHA-256 before and after, the
/// field, whether visible, and through what (`web` or an application). The document itself is not kept. Its id is
/// unguessable (random), for the verification page `/v/<id>`.
final class SignatureRecordModel: Model, @unchecked Sendable {
    static let schema = "signatures"

    @ID(key: .id) var id: UUID?
    @Parent(key: "holder_id") var holder: UserModel
    @Parent(key: "certificate_id") var certificate: CertificateModel
    @Field(key: "serial_hex") var serialHex: String
    @Field(key: "document_sha256") var documentSHA256: String
    @Field(key: "signed_sha256") var signedSHA256: String
    /// The signed file's length (nil for records made before it was kept).
    @OptionalField(key: "signed_length") var signedLength: Int64?
    @Field(key: "field_name") var fieldName: String
    @Field(key: "visible") var visible: Bool
    @Field(key: "via") var via: String
    /// The PAdES level made: `B-T`, `B-LT` or `B-LTA` (nil: made before levels were offered, B-T).
    @OptionalField(key: "level") var level: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
