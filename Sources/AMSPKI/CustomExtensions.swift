import Foundation
import SwiftASN1
import X509

/// Extensions swift-certificates has no type for, encoded here (RFC 5280 §4.2.1.4, §4.2.1.13; RFC 6960 §4.2.2.2.1).
public enum CustomExtensions {
    /// certificatePolicies with the given policies in order and, optionally, a CPS URI qualifier on the first. Not
    /// critical.
    public static func certificatePolicies(_ policyList: [OID], cpsURI: String?) throws -> Certificate.Extension {
        var writer = DERWriter()
        writer.sequence { policies in
            for (position, policy) in policyList.enumerated() {
                policies.sequence { information in
                    information.objectIdentifier(policy)
                    if let cpsURI, position == 0 {
                        information.sequence { qualifiers in
                            qualifiers.sequence { qualifier in
                                qualifier.objectIdentifier(.cpsQualifier)
                                qualifier.ia5String(cpsURI)
                            }
                        }
                    }
                }
            }
        }
        return try make(.certificatePolicies, critical: false, value: writer.bytes)
    }

    /// cRLDistributionPoints with one distribution point named by a URI. Not critical.
    public static func crlDistributionPoints(uri: String) throws -> Certificate.Extension {
        var writer = DERWriter()
        writer.sequence { points in
            points.sequence { point in
                point.constructed(DERWriter.Tag.contextConstructed(0)) { name in
                    name.constructed(DERWriter.Tag.contextConstructed(0)) { fullName in
                        fullName.ia5String(uri, tag: DERWriter.Tag.contextPrimitive(6))
                    }
                }
            }
        }
        return try make(.crlDistributionPoints, critical: false, value: writer.bytes)
    }

    /// id-pkix-ocsp-nocheck (value NULL): clients need not check the responder certificate's own status.
    public static func ocspNoCheck() throws -> Certificate.Extension {
        try make(.ocspNoCheck, critical: false, value: [0x05, 0x00])
    }

    static func make(_ oid: OID, critical: Bool, value: [UInt8]) throws -> Certificate.Extension {
        Certificate.Extension(oid: try ASN1ObjectIdentifier(elements: oid.arcs.map { UInt($0) }), critical: critical,
                              value: value[...])
    }
}
