import Fluent
import Foundation

/// Instansi: a government agency whose staff apply for certificates.
final class AgencyModel: Model, @unchecked Sendable {
    static let schema = "agencies"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // data
    /// Short unique code, e.g. `DISKOMINFO-SUMBAR`.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String

    // relationships
    @Children(for: \.$agency) var domains: [AgencyDomainModel]

    init() {}

    init(id: UUID? = nil, code: String, name: String, createdAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.createdAt = createdAt
    }
}
