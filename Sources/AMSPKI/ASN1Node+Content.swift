import SwiftASN1

extension ASN1Node {
    /// The content octets of a primitive element with `identifier`; nil for anything else. The request parsers (OCSP,
    /// time-stamp) read their fields with it.
    func primitiveContent(_ identifier: ASN1Identifier) -> ArraySlice<UInt8>? {
        guard self.identifier == identifier, case .primitive(let content) = content else { return nil }
        return content
    }
}
