import SwiftASN1

/// The parts of a DER certificate that CMS names it by (IssuerAndSerialNumber): the issuer Name and the serial
/// INTEGER, each as its exact DER element.
public struct CertificateFields: Sendable {
    public let issuer: [UInt8]
    public let serial: [UInt8]

    public init(_ der: [UInt8]) throws {
        let certificate = try DER.parse(der)
        guard case .constructed(let parts) = certificate.content, let tbsNode = parts.first(where: { _ in true }),
              case .constructed(let tbsParts) = tbsNode.content else { throw PKIError.certificateInputInvalid("certificate") }
        var fields = Array(tbsParts)
        // an explicit version [0] comes first in a v3 certificate
        if fields.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { fields.removeFirst() }
        guard fields.count >= 3, fields[0].identifier == .integer, fields[2].identifier == .sequence else {
            throw PKIError.certificateInputInvalid("certificate")
        }
        serial = Array(fields[0].encodedBytes)
        issuer = Array(fields[2].encodedBytes)
    }
}
