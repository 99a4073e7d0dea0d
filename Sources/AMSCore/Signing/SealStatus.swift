/// Where an institution's electronic seal stands.
public enum SealStatus: String, Codable, Sendable, CaseIterable {
    /// Asked for by the agency's operator; waiting for a CA operator.
    case requested
    /// Certificate issued, key held by AMS: it may seal.
    case active
    /// Refused by a CA operator (with the reason).
    case rejected
    /// Its certificate revoked: it seals no more.
    case revoked
}
