import Foundation

/// One revoked certificate as it appears in a CRL and in OCSP answers.
public struct RevokedEntry: Sendable, Equatable {
    public var serial: [UInt8]
    public var revokedAt: Date
    public var reason: RevocationReason
    public var invalidityDate: Date?

    public init(serial: [UInt8], revokedAt: Date, reason: RevocationReason, invalidityDate: Date? = nil) {
        self.serial = serial
        self.revokedAt = revokedAt
        self.reason = reason
        self.invalidityDate = invalidityDate
    }
}
