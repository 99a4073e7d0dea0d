import Fluent
import Foundation

/// An official e-mail domain of an agency; applicants' addresses must fall under one.
final class AgencyDomainModel: Model, @unchecked Sendable {
    static let schema = "agency_email_domains"

    @ID(key: .id) var id: UUID?
    @Field(key: "domain") var domain: String
    @Parent(key: "agency_id") var agency: AgencyModel

    init() {}

    init(id: UUID? = nil, agencyID: UUID, domain: String) {
        self.id = id
        self.$agency.id = agencyID
        self.domain = domain
    }
}
