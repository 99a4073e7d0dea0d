import Fluent
import Foundation

/// The current CRL of one CA: its number (strictly increasing), DER and validity.
final class CRLStateModel: Model, @unchecked Sendable {
    static let schema = "crl_states"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ca_id") var authority: CertificateAuthorityModel
    @Field(key: "number") var number: Int64
    @Field(key: "der") var der: Data
    @Field(key: "entries") var entries: Int
    @Field(key: "this_update") var thisUpdate: Date
    @Field(key: "next_update") var nextUpdate: Date

    init() {}
}
