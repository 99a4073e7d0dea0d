import Foundation
import SwiftASN1
import X509

/// Creates AMS's CA hierarchy: a self-signed root, an issuing CA under it, and the delegated OCSP responder
/// certificate under the issuing CA.
public struct CAHierarchyBuilder: Sendable {
    public struct Names: Sendable, Equatable {
        public var rootCommonName: String
        public var issuingCommonName: String
        public var organization: String
        public var country: String

        public init(rootCommonName: String = "AMS Root CA", issuingCommonName: String = "AMS Issuing CA",
                    organization: String = "AMS Certificate Authority", country: String = "ID") {
            self.rootCommonName = rootCommonName
            self.issuingCommonName = issuingCommonName
            self.organization = organization
            self.country = country
        }
    }

    public var names: Names
    public var algorithm: KeyAlgorithm
    public var rootLifetimeDays: Int
    public var issuingLifetimeDays: Int
    public var policy: OID
    public var endpoints: PKIEndpoints
    public var serials: SerialNumberGenerator

    public init(names: Names, algorithm: KeyAlgorithm = .p256, rootLifetimeDays: Int = 20 * 365,
                issuingLifetimeDays: Int = 10 * 365, policy: OID, endpoints: PKIEndpoints,
                serials: SerialNumberGenerator = SerialNumberGenerator()) {
        self.names = names
        self.algorithm = algorithm
        self.rootLifetimeDays = rootLifetimeDays
        self.issuingLifetimeDays = issuingLifetimeDays
        self.policy = policy
        self.endpoints = endpoints
        self.serials = serials
    }

    public static let rootLabel = "root"
    public static let issuingLabel = "issuing"

    func name(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName(names.country)
            OrganizationName(names.organization)
            CommonName(commonName)
        }
    }

    public func makeRoot(now: Date) throws -> CertificateAuthority {
        guard rootLifetimeDays > issuingLifetimeDays, issuingLifetimeDays > 0 else {
            throw PKIError.invalidConfiguration("the root CA must outlive the issuing CA")
        }
        let key = try SigningKey.generate(algorithm)
        let subject = try name(names.rootCommonName)
        // from its whole second, as every certificate AMS issues (DER times have none, and must not round up)
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: serials.next()[...]), publicKey: key.publicKey,
            notValidBefore: start, notValidAfter: start.addingTimeInterval(TimeInterval(rootLifetimeDays) * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: key.signatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key.certificateKey)
        return try CertificateAuthority(label: Self.rootLabel, certificate: certificate, key: key)
    }

    public func makeIssuing(under root: CertificateAuthority, now: Date) throws -> CertificateAuthority {
        let key = try SigningKey.generate(algorithm)
        let certificate = try root.issue(
            serial: serials.next(), publicKey: key.publicKey, subject: try name(names.issuingCommonName),
            notBefore: now, notAfter: now.addingTimeInterval(TimeInterval(issuingLifetimeDays) * 86_400),
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: root.keyIdentifier[...])
                try CustomExtensions.certificatePolicies([policy], cpsURI: nil)
                try CustomExtensions.crlDistributionPoints(uri: endpoints.crlURL(for: root.label))
                AuthorityInformationAccess([
                    .init(method: .issuingCA, location: .uniformResourceIdentifier(endpoints.caCertificateURL(for: root.label))),
                ])
            })
        return try CertificateAuthority(label: Self.issuingLabel, certificate: certificate, key: key)
    }

    /// The delegated OCSP responder: id-kp-OCSPSigning, ocsp-nocheck, short-lived (renewed automatically).
    public static func makeOCSPResponder(under issuing: CertificateAuthority, algorithm: KeyAlgorithm, now: Date,
                                         lifetimeDays: Int, serial: [UInt8]) throws -> CertificateAuthority {
        try makeDelegate(under: issuing, label: "ocsp", commonName: "AMS OCSP Responder", algorithm: algorithm, now: now,
                         lifetimeDays: lifetimeDays, serial: serial) { key in
            try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.ocspSigning])
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: issuing.keyIdentifier[...])
                try CustomExtensions.ocspNoCheck()
            }
        }
    }

    /// The time-stamping unit of AMS's TSA (RFC 3161 §2.3): the sole, critical extended key usage id-kp-timeStamping,
    /// key usage digitalSignature and nonRepudiation.
    public static func makeTimeStampingUnit(under issuing: CertificateAuthority, algorithm: KeyAlgorithm, now: Date,
                                            lifetimeDays: Int, serial: [UInt8], endpoints: PKIEndpoints? = nil) throws -> CertificateAuthority {
        try makeDelegate(under: issuing, label: "tsa", commonName: "AMS Time-Stamping Authority", algorithm: algorithm, now: now,
                         lifetimeDays: lifetimeDays, serial: serial) { key in
            try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                Critical(try ExtendedKeyUsage([.timeStamping]))
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: issuing.keyIdentifier[...])
                // where its status is asked: validators of long-term signatures check the time-stamping unit too
                if let endpoints {
                    try CustomExtensions.crlDistributionPoints(uri: endpoints.crlURL(for: issuing.label))
                    AuthorityInformationAccess([
                        .init(method: .ocspServer, location: .uniformResourceIdentifier(endpoints.ocspURL)),
                        .init(method: .issuingCA, location: .uniformResourceIdentifier(endpoints.caCertificateURL(for: issuing.label))),
                    ])
                }
            }
        }
    }

    static func makeDelegate(under issuing: CertificateAuthority, label: String, commonName: String, algorithm: KeyAlgorithm,
                             now: Date, lifetimeDays: Int, serial: [UInt8],
                             extensions: (SigningKey) throws -> Certificate.Extensions) throws -> CertificateAuthority {
        let key = try SigningKey.generate(algorithm)
        var names: [RelativeDistinguishedName] = []
        for rdn in issuing.certificate.subject where !rdn.contains(where: { $0.type == .RDNAttributeType.commonName }) {
            names.append(rdn)
        }
        names.append(RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: commonName)))
        let certificate = try issuing.issue(
            serial: serial, publicKey: key.publicKey, subject: DistinguishedName(names), notBefore: now,
            notAfter: now.addingTimeInterval(TimeInterval(lifetimeDays) * 86_400), extensions: try extensions(key))
        return try CertificateAuthority(label: label, certificate: certificate, key: key)
    }
}
