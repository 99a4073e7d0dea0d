import AMSCore
import Fluent
import Foundation

/// An agency system's key for `/api/v1`: scoped to one agency, revocable, shown in clear only once.
final class APIKeyModel: Model, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(key: .id) var id: UUID?
    @Parent(key: "agency_id") var agency: AgencyModel
    @Field(key: "name") var name: String
    /// The first characters of the key, to tell keys apart in lists.
    @Field(key: "key_prefix") var keyPrefix: String
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    /// Switched off by an administrator (can be switched on again; a revoked key cannot).
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    /// Client addresses and networks allowed to call with this key (`203.0.113.7, 10.20.0.0/16`); nil or empty: any.
    @OptionalField(key: "allowed_addresses") var allowedAddresses: String?
    /// Calls a minute this key may make on the e-signature API; nil: ``defaultRequestsPerMinute``.
    @OptionalField(key: "requests_per_minute") var requestsPerMinute: Int?

    init() {}

    init(agencyID: UUID, name: String, keyPrefix: String, keyHash: String, createdAt: Date, createdByID: UUID?) {
        self.$agency.id = agencyID
        self.name = name
        self.keyPrefix = keyPrefix
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.createdByID = createdByID
    }

    /// The key acting as its agency's registration operator (agency-level events only).
    var actor: Actor {
        Actor(userID: id!, username: "api:\(name)", role: .agencyOperator, agencyID: $agency.id)
    }

    static let clearPrefix = "ams_"
    static let defaultRequestsPerMinute = 60
}
