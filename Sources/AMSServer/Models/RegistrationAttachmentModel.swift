import Fluent
import Foundation

/// One uploaded document of a request. Every revision is kept (a returned request's earlier files stay).
final class RegistrationAttachmentModel: Model, @unchecked Sendable {
    static let schema = "registration_attachments"

    enum Kind: String, Codable, CaseIterable {
        /// Surat rekomendasi signed by the head of the unit.
        case recommendationLetter = "recommendation_letter"
        /// SK Jabatan: the job decree.
        case jobDecree = "job_decree"
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "request_id") var request: RegistrationRequestModel
    @Field(key: "kind") var kind: Kind
    /// 1 for the first submission, +1 with every resubmission that replaced the file.
    @Field(key: "revision") var revision: Int
    /// Server-made name of the stored file; never derived from anything the client sent.
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "byte_count") var byteCount: Int
    /// The client's file name, cleaned, only ever shown (and offered as the download name).
    @Field(key: "original_name") var originalName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(requestID: UUID, kind: Kind, revision: Int, storageKey: String, sha256: String, byteCount: Int,
         originalName: String, createdAt: Date) {
        self.$request.id = requestID
        self.kind = kind
        self.revision = revision
        self.storageKey = storageKey
        self.sha256 = sha256
        self.byteCount = byteCount
        self.originalName = originalName
        self.createdAt = createdAt
    }
}
