import Foundation

/// RFC 5280 §5.3.1 CRLReason codes AMS offers. `unspecified` is never written as an extension (the RFC says to
/// omit the reason code instead).
public enum RevocationReason: Int, CaseIterable, Sendable, Codable {
    case unspecified = 0
    case keyCompromise = 1
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case privilegeWithdrawn = 9

    /// Localisation key suffix and API name.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        }
    }

    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}
