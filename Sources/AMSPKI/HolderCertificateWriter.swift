import Crypto
import Foundation
import SwiftASN1
import X509

/// Writes holder signing certificates under one issuing CA, profile and set of endpoints, directly in DER.
///
/// What every holder certificate of the CA shares (signature algorithm, issuer name, key usage, EKU, AKI, the
/// certificate policy, the CRL distribution point, AIA) is encoded once, by swift-certificates, when the writer is
/// made. Per certificate only the serial number, the validity, the subject name, the public key and the two
/// extensions made from the holder and the key (SAN rfc822Name, SKI) are written. The bytes are those
/// swift-certificates writes for the same certificate (the tests compare them); building the certificate through
/// its types took twice as long as signing it.
public struct HolderCertificateWriter: Sendable {
    public let issuer: CertificateAuthority
    public let profile: CertificateProfile
    private let extensionParts: [ExtensionPart]
    private let signatureAlgorithm: [UInt8]
    private let countryName: [UInt8]

    /// One extension of the profile, in the profile's order: encoded once, or made per certificate.
    private enum ExtensionPart: Sendable {
        case encoded([UInt8])
        case subjectAlternativeName
        case subjectKeyIdentifier
    }

    /// A signed certificate's DER and its notAfter (capped at the issuer's).
    public struct Issued: Sendable {
        public let der: [UInt8]
        public let notAfter: Date
    }

    public init(issuer: CertificateAuthority, profile: CertificateProfile, endpoints: PKIEndpoints) throws {
        self.issuer = issuer
        self.profile = profile
        // the profile's extensions for a stand-in key and holder; the two that depend on them are written per certificate
        let standIn = HolderIdentity(fullName: "-", email: "-@-", agencyName: "-", unit: nil, nik: nil)
        var parts: [ExtensionPart] = []
        for `extension` in try profile.extensions(publicKey: issuer.certificate.publicKey, holder: standIn, issuer: issuer,
                                                  endpoints: endpoints) {
            switch `extension`.oid {
            case .X509ExtensionID.subjectAlternativeName: parts.append(.subjectAlternativeName)
            case .X509ExtensionID.subjectKeyIdentifier: parts.append(.subjectKeyIdentifier)
            default:
                var serializer = DER.Serializer()
                try serializer.serialize(`extension`)
                parts.append(.encoded(serializer.serializedBytes))
            }
        }
        extensionParts = parts
        var algorithm = DERWriter(reservingCapacity: 16)
        issuer.key.writeSignatureAlgorithm(into: &algorithm)
        signatureAlgorithm = algorithm.bytes
        var country = DER.Serializer()
        try country.serialize(RelativeDistinguishedName(
            try RelativeDistinguishedName.Attribute(type: .RDNAttributeType.countryName, printableString: profile.country)))
        countryName = country.serializedBytes
    }

    /// Writes and signs the certificate for `subjectPublicKeyInfo` (a SubjectPublicKeyInfo in DER, as AMS stores
    /// it after checking the key against policy). `notBefore` is taken in whole seconds.
    public func issue(serial: [UInt8], subjectPublicKeyInfo: [UInt8], holder: HolderIdentity, notBefore: Date) throws -> Issued {
        let (tbs, notAfter) = try tbsCertificate(serial: serial, subjectPublicKeyInfo: subjectPublicKeyInfo, holder: holder,
                                                 notBefore: notBefore)
        return Issued(der: try issuer.key.signedStructure(tbs: tbs), notAfter: notAfter)
    }

    /// The TBSCertificate DER and the notAfter in it.
    public func tbsCertificate(serial: [UInt8], subjectPublicKeyInfo: [UInt8], holder: HolderIdentity,
                               notBefore: Date) throws -> (bytes: [UInt8], notAfter: Date) {
        let notBefore = Date(timeIntervalSince1970: notBefore.timeIntervalSince1970.rounded(.down))
        let notAfter = min(notBefore.addingTimeInterval(TimeInterval(profile.validityDays) * 86_400 - 1),
                           issuer.certificate.notValidAfter)
        guard notAfter > notBefore else { throw PKIError.validityBeyondIssuer }
        guard !serial.isEmpty, serial.count <= 20 else { throw PKIError.certificateInputInvalid("serial number") }
        let subject = try subjectName(for: holder)
        guard holder.email.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw CertificateProfile.ProfileError.fieldInvalid("email")
        }
        let keyBits = try Self.subjectPublicKeyBits(subjectPublicKeyInfo)
        var writer = DERWriter(reservingCapacity: 1024)
        writer.sequence { tbs in
            tbs.appendRaw([0xA0, 0x03, 0x02, 0x01, 0x02])  // [0] EXPLICIT version v3
            tbs.unsignedInteger(serial)
            tbs.appendRaw(signatureAlgorithm)
            tbs.appendRaw(issuer.subjectDER)
            tbs.sequence { validity in
                validity.time(notBefore)
                validity.time(notAfter)
            }
            tbs.appendRaw(subject)
            tbs.appendRaw(subjectPublicKeyInfo)
            tbs.constructed(DERWriter.Tag.contextConstructed(3)) { explicit in
                explicit.sequence { extensions in
                    for part in extensionParts {
                        switch part {
                        case .encoded(let bytes): extensions.appendRaw(bytes)
                        case .subjectAlternativeName:
                            Self.writeExtension(EncodedOID.subjectAlternativeName, into: &extensions) { value in
                                value.sequence { names in names.ia5String(holder.email, tag: DERWriter.Tag.contextPrimitive(1)) }
                            }
                        case .subjectKeyIdentifier:
                            Self.writeExtension(EncodedOID.subjectKeyIdentifier, into: &extensions) { value in
                                value.octetString(Array(Insecure.SHA1.hash(data: keyBits)))
                            }
                        }
                    }
                }
            }
        }
        return (writer.bytes, notAfter)
    }

    /// The subject name's DER: C, O, OU (when there is a unit), CN, and serialNumber (the NIK) when the profile
    /// says so, each in its own RDN, as ``CertificateProfile/subject(for:)`` builds it.
    func subjectName(for holder: HolderIdentity) throws -> [UInt8] {
        try profile.checkSubjectFields(holder)
        var nik: String?
        if profile.includeNIK, let value = holder.nik {
            guard value.utf8.allSatisfy(Self.isPrintableStringCharacter) else {
                throw CertificateProfile.ProfileError.fieldInvalid("nik")
            }
            nik = value
        }
        var writer = DERWriter(reservingCapacity: 256)
        writer.sequence { name in
            name.appendRaw(countryName)
            Self.writeAttribute(EncodedOID.organizationName, holder.agencyName, into: &name)
            if let unit = holder.unit, !unit.isEmpty { Self.writeAttribute(EncodedOID.organizationalUnitName, unit, into: &name) }
            Self.writeAttribute(EncodedOID.commonName, holder.fullName, into: &name)
            if let nik { Self.writeAttribute(EncodedOID.subjectSerialNumber, nik, tag: DERWriter.Tag.printableString, into: &name) }
        }
        return writer.bytes
    }

    /// The content octets of the OIDs written per certificate, encoded once.
    private enum EncodedOID {
        static let organizationName = OID.organizationName.contentBytes
        static let organizationalUnitName = OID.organizationalUnitName.contentBytes
        static let commonName = OID.commonName.contentBytes
        static let subjectSerialNumber = OID.subjectSerialNumber.contentBytes
        static let subjectAlternativeName = OID.subjectAlternativeName.contentBytes
        static let subjectKeyIdentifier = OID.subjectKeyIdentifier.contentBytes
    }

    private static func writeAttribute(_ type: [UInt8], _ value: String, tag: UInt8 = DERWriter.Tag.utf8String,
                                       into name: inout DERWriter) {
        name.constructed(DERWriter.Tag.set) { relative in
            relative.sequence { attribute in
                attribute.append(tag: DERWriter.Tag.objectIdentifier, content: type)
                attribute.append(tag: tag, content: value.utf8)
            }
        }
    }

    private static func writeExtension(_ oid: [UInt8], into extensions: inout DERWriter, value body: (inout DERWriter) -> Void) {
        extensions.sequence { `extension` in
            `extension`.append(tag: DERWriter.Tag.objectIdentifier, content: oid)
            var value = DERWriter(reservingCapacity: 64)
            body(&value)
            `extension`.octetString(value.bytes)
        }
    }

    /// X.680 PrintableString: letters, digits, space and `'()+,-./:=?`.
    private static func isPrintableStringCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array(" '()+,-./:=?".utf8).contains(byte)
        }
    }

    /// The subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo (the SKI is their SHA-1), after checking
    /// that the DER is one SEQUENCE of an AlgorithmIdentifier SEQUENCE and a non-empty BIT STRING with no unused bits.
    static func subjectPublicKeyBits(_ spki: [UInt8]) throws -> ArraySlice<UInt8> {
        let malformed = PKIError.certificateInputInvalid("subject public key info")
        guard let root = try? DER.parse(spki), root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw malformed
        }
        let fields = Array(children)
        guard fields.count == 2, fields[0].identifier == .sequence, let bits = try? ASN1BitString(derEncoded: fields[1]),
              bits.paddingBits == 0, !bits.bytes.isEmpty else { throw malformed }
        return bits.bytes
    }
}
