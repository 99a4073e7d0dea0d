import AMSCore
import Foundation
import Testing

/// The national API's nine signer states from AMS's own facts: each reachable, and the order of precedence (an
/// account's suspension before its certificates, a waiting successor before an expired or revoked predecessor).
@Suite("Signer status in the national API's words")
struct SignerStatusTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    typealias Certificate = SignerStatus.Facts.Certificate

    static func cert(_ status: CertificateStatus, expired: Bool = false, keyKept: Bool = true) -> Certificate {
        Certificate(status: status, keyKeptByAMS: keyKept, notAfter: now.addingTimeInterval(expired ? -1 : 86_400))
    }

    @Test func eachStateFollowsFromItsFacts() {
        let cases: [(SignerStatus.Facts, SignerStatus)] = [
            (.init(hasAccount: false), .notRegistered),
            (.init(hasAccount: false, registrationInProgress: true), .waitingForVerification),
            (.init(hasAccount: true, certificates: [Self.cert(.issued)]), .issue),
            (.init(hasAccount: true, certificates: [Self.cert(.issued, expired: true)]), .expired),
            (.init(hasAccount: true, certificates: [Self.cert(.pending), Self.cert(.issued, expired: true)]), .renew),
            (.init(hasAccount: true, certificates: [Self.cert(.awaitingHolder)]), .new),
            (.init(hasAccount: true, certificates: []), .noCertificate),
            (.init(hasAccount: true, certificates: [Self.cert(.rejected)]), .noCertificate),
            (.init(hasAccount: true, certificates: [Self.cert(.issued, keyKept: false)]), .noCertificate),
            (.init(hasAccount: true, certificates: [Self.cert(.revoked)]), .revoke),
            (.init(hasAccount: true, signingLocked: true, certificates: [Self.cert(.issued)]), .suspend),
            (.init(hasAccount: true, accountActive: false, certificates: [Self.cert(.issued)]), .suspend),
            (.init(hasAccount: true, reverificationPending: true, certificates: [Self.cert(.issued)]), .waitingForVerification),
            (.init(hasAccount: true, identityVerified: false), .waitingForVerification),
            // a valid certificate counts even after a revoked one
            (.init(hasAccount: true, certificates: [Self.cert(.issued), Self.cert(.revoked)]), .issue),
            // the newest decides between revoked and expired
            (.init(hasAccount: true, certificates: [Self.cert(.revoked), Self.cert(.issued, expired: true)]), .revoke),
        ]
        for (facts, expected) in cases {
            #expect(SignerStatus.of(facts, at: Self.now) == expected, "\(facts) → \(expected)")
        }
        #expect(Set(cases.map(\.1)) == Set(SignerStatus.allCases))
    }
}
