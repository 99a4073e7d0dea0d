import SwiftASN1
import X509

extension DistinguishedName {
    /// The first common name (CN), for people reading a verdict.
    public var commonName: String? {
        for relative in self {
            for attribute in relative where attribute.type == .RDNAttributeType.commonName {
                return attribute.value.description
            }
        }
        return nil
    }
}
