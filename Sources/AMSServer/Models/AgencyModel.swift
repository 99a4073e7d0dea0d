import AMSCore
import Fluent
import Foundation

/// Instansi: a government agency whose staff apply for certificates.
package final class AgencyModel: Model, @unchecked Sendable {
    package static let schema = "agencies"

    // managed
    @ID(key: .id) package var id: UUID?
    @Field(key: "created_at") package var createdAt: Date

    // data
    /// Short unique code, e.g. `DISKOMINFO-SUMBAR`.
    @Field(key: "code") package var code: String
    @Field(key: "name") package var name: String
    /// The name certificates carry (organizationName, at most 64 characters) when the full name is longer.
    @OptionalField(key: "certificate_name") var certificateName: String?
    /// An ``AgencyTimeZone`` identifier; nil: the default (WIB).
    @OptionalField(key: "time_zone") var timeZoneIdentifier: String?

    // relationships
    @Children(for: \.$agency) var domains: [AgencyDomainModel]

    /// The property wrappers above, in declaration order, listed by hand: FluentKit's default finds them by reflection
    /// on every row it reads, the largest single cost of the operator pages (`ListedPropertiesTests` checks the list).
    package var properties: [any AnyProperty] {
        [
            $id, $createdAt, $code, $name, $certificateName, $timeZoneIdentifier, $domains
        ]
    }

    package init() {}

    package init(id: UUID? = nil, code: String, name: String, createdAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.createdAt = createdAt
    }
}

extension AgencyModel {
    /// What certificates name the agency: its certificate name, else its full name.
    var nameInCertificates: String { certificateName ?? name }

    /// The time zone the agency's people read times in.
    var timeZone: AgencyTimeZone { timeZoneIdentifier.flatMap(AgencyTimeZone.init(rawValue:)) ?? .default }

    /// The time zone of the agency with `id` (the default when there is none, e.g. the CA's own staff).
    static func timeZone(of id: UUID?, on database: any Database) async throws -> AgencyTimeZone {
        guard let id else { return .default }
        return try await AgencyModel.find(id, on: database)?.timeZone ?? .default
    }
}
