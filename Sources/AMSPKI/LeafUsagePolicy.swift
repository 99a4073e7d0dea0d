import SwiftASN1
import X509

/// The verifier policy for the end of a chain a signature rests on: a document signer's certificate must allow
/// digital signatures or non-repudiation; a time-stamping unit's must carry the time-stamping extended key usage
/// (RFC 3161 §2.3). It declares the extended key usage and certificate policies understood, so certificates that mark
/// them critical (as AMS's TSA unit does) are judged, not refused unread.
public struct LeafUsagePolicy: VerifierPolicy {
    public enum Purpose: Sendable {
        case documentSigning
        case timeStamping
    }

    public let purpose: Purpose

    public init(purpose: Purpose) {
        self.purpose = purpose
    }

    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.keyUsage, [2, 5, 29, 32],  // certificatePolicies
    ]

    public mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        let leaf = chain.leaf
        switch purpose {
        case .documentSigning:
            guard let usage = try? leaf.extensions.keyUsage else { return .meetsPolicy }
            return usage.digitalSignature || usage.nonRepudiation ? .meetsPolicy : .failsToMeetPolicy(reason: "not a signing certificate")
        case .timeStamping:
            guard let usages = try? leaf.extensions.extendedKeyUsage, usages.contains(.timeStamping) else {
                return .failsToMeetPolicy(reason: "not a time-stamping certificate")
            }
            return .meetsPolicy
        }
    }
}
