import Foundation
import SwiftASN1
import X509

/// A certificate profile, described as data: how the subject is named, what the key may be used for, under which
/// policies and for how long. ``CertificateAuthority/issue(_:serial:publicKey:identity:notBefore:endpoints:)`` issues
/// from any profile; AMS records the profile's ``name`` with every certificate it issues.
///
/// Every profile also gets what each end-entity certificate of the CA carries: AKI, SKI, the CRL distribution point
/// and AIA (OCSP and CA issuers). Validity is capped at the issuing CA's.
public struct CertificateProfile: Sendable, Equatable {
    /// Stable name, stored with each certificate (`holder-signing`, `holder-signing-natural-person`).
    public var name: String
    public var subjectRule: SubjectRule
    /// Key usage bits, marked critical.
    public var keyUsage: Set<KeyUsageBit>
    public var extendedKeyUsages: [OID]
    /// Certificate policy OIDs in order; the first carries the CPS qualifier when there is one.
    public var policies: [OID]
    public var cpsURI: String?
    public var validityDays: Int
    /// Put the NIK into the subject's serialNumber (policy decides).
    public var includeNIK: Bool
    public var country: String

    /// How a profile names its subject.
    public enum SubjectRule: String, Sendable, CaseIterable {
        /// C, O (agency), OU (unit, when there is one), CN (full name), serialNumber (NIK, when the profile says so).
        case person
        /// ETSI EN 319 412-2 §4.2.4 natural person: as ``person`` plus givenName and/or surname (at least one).
        case naturalPerson = "natural-person"
    }

    /// The key usage bits AMS profiles use.
    public enum KeyUsageBit: String, Sendable, Hashable, CaseIterable {
        case digitalSignature, nonRepudiation, keyEncipherment, keyAgreement
    }

    public init(name: String, subjectRule: SubjectRule, keyUsage: Set<KeyUsageBit>, extendedKeyUsages: [OID], policies: [OID],
                cpsURI: String?, validityDays: Int, includeNIK: Bool = false, country: String = "ID") {
        self.name = name
        self.subjectRule = subjectRule
        self.keyUsage = keyUsage
        self.extendedKeyUsages = extendedKeyUsages
        self.policies = policies
        self.cpsURI = cpsURI
        self.validityDays = validityDays
        self.includeNIK = includeNIK
        self.country = country
    }

    /// The civil servant's signing certificate: key usage digitalSignature + nonRepudiation, EKU emailProtection +
    /// documentSigning, SAN rfc822Name, the CA's policy. With `.naturalPerson` it is the ETSI EN 319 412-2 variant:
    /// given name and surname in the subject and the ETSI NCP policy (0.4.0.2042.1.1) after the CA's own.
    public static func holderSigning(subjectRule: SubjectRule = .person, policy: OID, cpsURI: String?, validityDays: Int = 730,
                                     includeNIK: Bool = false) -> CertificateProfile {
        let natural = subjectRule == .naturalPerson
        return CertificateProfile(
            name: natural ? "holder-signing-natural-person" : "holder-signing", subjectRule: subjectRule,
            keyUsage: [.digitalSignature, .nonRepudiation], extendedKeyUsages: [OID.emailProtection, OID.documentSigning],
            policies: natural ? [policy, OID.etsiNormalizedCertificatePolicy] : [policy], cpsURI: cpsURI,
            validityDays: validityDays, includeNIK: includeNIK)
    }

    /// RFC 5280 upper bound for commonName, organizationName and organizationalUnitName (and AMS's bound for
    /// givenName and surname).
    /// An institution's electronic seal (segel elektronik): the subject is the agency as an organisation — country,
    /// organisation and the seal's name as common name, no person — with digitalSignature and nonRepudiation for
    /// signing documents and a certificate policy of its own, so a verifier tells a seal from a person's signature.
    public static func institutionalSeal(policy: OID, cpsURI: String?, validityDays: Int = 730) -> CertificateProfile {
        CertificateProfile(name: "institutional-seal", subjectRule: .person, keyUsage: [.digitalSignature, .nonRepudiation],
                           extendedKeyUsages: [OID.documentSigning], policies: [policy], cpsURI: cpsURI, validityDays: validityDays)
    }

    public static let nameAttributeLimit = 64

    /// The subject name, or ``ProfileError`` naming the first field that does not fit.
    public func subject(for holder: HolderIdentity) throws -> DistinguishedName {
        try check(holder)
        typealias Attribute = RelativeDistinguishedName.Attribute
        var names = [
            RelativeDistinguishedName(try Attribute(type: .RDNAttributeType.countryName, printableString: country)),
            RelativeDistinguishedName(Attribute(type: .RDNAttributeType.organizationName, utf8String: holder.agencyName)),
        ]
        if let unit = holder.unit, !unit.isEmpty {
            names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.organizationalUnitName, utf8String: unit)))
        }
        if subjectRule == .naturalPerson {
            if let given = holder.givenName, !given.isEmpty {
                names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.amsGivenName, utf8String: given)))
            }
            if let surname = holder.surname, !surname.isEmpty {
                names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.amsSurname, utf8String: surname)))
            }
        }
        names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.commonName, utf8String: holder.fullName)))
        if includeNIK, let nik = holder.nik {
            names.append(RelativeDistinguishedName(try Attribute(type: .RDNAttributeType.amsSerialNumber, printableString: nik)))
        }
        return DistinguishedName(names)
    }

    /// Throws ``ProfileError`` for the first field that cannot go into a certificate under this profile: too long
    /// for X.520, required and empty, or outside its ASN.1 type (an e-mail address outside ASCII, a NIK outside
    /// PrintableString).
    public func check(_ holder: HolderIdentity) throws {
        var named = [("fullName", holder.fullName), ("agency", holder.agencyName), ("unit", holder.unit ?? "")]
        if subjectRule == .naturalPerson {
            named += [("givenName", holder.givenName ?? ""), ("surname", holder.surname ?? "")]
        }
        for (field, value) in named where value.count > Self.nameAttributeLimit {
            throw ProfileError.fieldTooLong(field)
        }
        guard !holder.fullName.isEmpty, !holder.agencyName.isEmpty, !holder.email.isEmpty else {
            throw ProfileError.fieldMissing
        }
        if subjectRule == .naturalPerson, (holder.givenName ?? "").isEmpty, (holder.surname ?? "").isEmpty {
            throw ProfileError.fieldMissing
        }
        guard holder.email.utf8.allSatisfy({ $0 < 0x80 }) else { throw ProfileError.fieldInvalid("email") }
        if includeNIK, let nik = holder.nik, !nik.utf8.allSatisfy(Self.isPrintableStringCharacter) {
            throw ProfileError.fieldInvalid("nik")
        }
    }

    /// A subject rendered for lists and search ("CN=…, OU=…, O=…, C=ID").
    public func subjectText(for holder: HolderIdentity) throws -> String {
        String(describing: try subject(for: holder))
    }

    /// The extensions of a certificate for `publicKey` under this profile.
    public func extensions(publicKey: Certificate.PublicKey, holder: HolderIdentity, issuer: CertificateAuthority,
                           endpoints: PKIEndpoints) throws -> Certificate.Extensions {
        let policyExtension = try CustomExtensions.certificatePolicies(policies, cpsURI: cpsURI)
        let distribution = try CustomExtensions.crlDistributionPoints(uri: endpoints.crlURL(for: issuer.label))
        let usages = try extendedKeyUsages.map { ExtendedKeyUsage.Usage(oid: try ASN1ObjectIdentifier(elements: $0.arcs.map { UInt($0) })) }
        return try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: keyUsage.contains(.digitalSignature), nonRepudiation: keyUsage.contains(.nonRepudiation),
                              keyEncipherment: keyUsage.contains(.keyEncipherment), keyAgreement: keyUsage.contains(.keyAgreement)))
            try ExtendedKeyUsage(usages)
            SubjectAlternativeNames([.rfc822Name(holder.email)])
            AuthorityKeyIdentifier(keyIdentifier: issuer.keyIdentifier[...])
            SubjectKeyIdentifier(hash: publicKey)
            policyExtension
            distribution
            AuthorityInformationAccess([
                .init(method: .ocspServer, location: .uniformResourceIdentifier(endpoints.ocspURL)),
                .init(method: .issuingCA, location: .uniformResourceIdentifier(endpoints.caCertificateURL(for: issuer.label))),
            ])
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

    /// Why a holder's data cannot make a certificate subject.
    public enum ProfileError: Error, Equatable, Sendable {
        case fieldTooLong(String)
        case fieldMissing
        /// The field holds characters its ASN.1 type cannot carry (an e-mail address outside ASCII, a NIK outside
        /// PrintableString).
        case fieldInvalid(String)
    }
}

extension ASN1ObjectIdentifier.RDNAttributeType {
    /// X.520 givenName (swift-certificates names no constant for it).
    static let amsGivenName: ASN1ObjectIdentifier = [2, 5, 4, 42]
    /// X.520 surname.
    static let amsSurname: ASN1ObjectIdentifier = [2, 5, 4, 4]
    /// X.520 serialNumber (the subject's, not the certificate's).
    static let amsSerialNumber: ASN1ObjectIdentifier = [2, 5, 4, 5]
}
