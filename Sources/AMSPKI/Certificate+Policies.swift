import SwiftASN1
import X509

extension Certificate {
    /// The policy identifiers of the certificatePolicies extension (RFC 5280 §4.2.1.4), in order; empty without one.
    public var policyIdentifiers: [OID] {
        guard let ext = extensions.first(where: { $0.oid == ASN1ObjectIdentifier(arrayLiteral: 2, 5, 29, 32) }),
              let root = try? DER.parse(Array(ext.value)), case .constructed(let policies) = root.content else { return [] }
        return policies.compactMap { policy in
            guard case .constructed(let fields) = policy.content, let identifier = Array(fields).first?.primitiveContent(.objectIdentifier) else {
                return nil
            }
            return OID(contentBytes: identifier)
        }
    }
}
