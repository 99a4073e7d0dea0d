import Foundation
import SwiftASN1
import X509

/// The civil-servant signing certificate profile: subject from the verified identity, SAN rfc822Name, key usage
/// digitalSignature + nonRepudiation, EKU emailProtection + documentSigning, the CA's certificate policy, AKI/SKI,
/// CRL distribution point and AIA (OCSP + CA issuers). Validity as configured, never beyond the issuing CA.
public struct CertificateProfile: Sendable {
    public var policy: OID
    public var cpsURI: String?
    public var validityDays: Int
    public var includeNIK: Bool
    public var country: String

    public init(policy: OID, cpsURI: String?, validityDays: Int = 730, includeNIK: Bool = false, country: String = "ID") {
        self.policy = policy
        self.cpsURI = cpsURI
        self.validityDays = validityDays
        self.includeNIK = includeNIK
        self.country = country
    }

    /// RFC 5280 upper bound for commonName, organizationName and organizationalUnitName.
    public static let nameAttributeLimit = 64

    /// The subject name, or ``ProfileError`` naming the first field that does not fit.
    public func subject(for holder: HolderIdentity) throws -> DistinguishedName {
        try checkSubjectFields(holder)
        typealias Attribute = RelativeDistinguishedName.Attribute
        var names = [
            RelativeDistinguishedName(try Attribute(type: .RDNAttributeType.countryName, printableString: country)),
            RelativeDistinguishedName(Attribute(type: .RDNAttributeType.organizationName, utf8String: holder.agencyName)),
        ]
        if let unit = holder.unit, !unit.isEmpty {
            names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.organizationalUnitName, utf8String: unit)))
        }
        names.append(RelativeDistinguishedName(Attribute(type: .RDNAttributeType.commonName, utf8String: holder.fullName)))
        if includeNIK, let nik = holder.nik {
            names.append(RelativeDistinguishedName(try Attribute(type: [2, 5, 4, 5], printableString: nik)))
        }
        return DistinguishedName(names)
    }

    /// ``ProfileError`` for a name field longer than RFC 5280 allows or a required field left empty.
    func checkSubjectFields(_ holder: HolderIdentity) throws {
        for (field, value) in [("fullName", holder.fullName), ("agency", holder.agencyName), ("unit", holder.unit ?? "")]
        where value.count > Self.nameAttributeLimit {
            throw ProfileError.fieldTooLong(field)
        }
        guard !holder.fullName.isEmpty, !holder.agencyName.isEmpty, !holder.email.isEmpty else {
            throw ProfileError.fieldMissing
        }
    }

    /// A subject rendered for lists and search ("CN=…, OU=…, O=…, C=ID").
    public func subjectText(for holder: HolderIdentity) throws -> String {
        String(describing: try subject(for: holder))
    }

    public func extensions(publicKey: Certificate.PublicKey, holder: HolderIdentity, issuer: CertificateAuthority,
                           endpoints: PKIEndpoints) throws -> Certificate.Extensions {
        let policies = try CustomExtensions.certificatePolicies(policy, cpsURI: cpsURI)
        let distribution = try CustomExtensions.crlDistributionPoints(uri: endpoints.crlURL(for: issuer.label))
        return try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
            try ExtendedKeyUsage([.emailProtection, ExtendedKeyUsage.Usage(oid: try ASN1ObjectIdentifier(
                elements: OID.documentSigning.arcs.map { UInt($0) }))])
            SubjectAlternativeNames([.rfc822Name(holder.email)])
            AuthorityKeyIdentifier(keyIdentifier: issuer.keyIdentifier[...])
            SubjectKeyIdentifier(hash: publicKey)
            policies
            distribution
            AuthorityInformationAccess([
                .init(method: .ocspServer, location: .uniformResourceIdentifier(endpoints.ocspURL)),
                .init(method: .issuingCA, location: .uniformResourceIdentifier(endpoints.caCertificateURL(for: issuer.label))),
            ])
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
