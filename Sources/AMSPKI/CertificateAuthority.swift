import Crypto
import Foundation
import SwiftASN1
import X509

/// A CA certificate with its private key, able to issue certificates and sign CRLs.
///
/// `label` names the CA in URLs (`/pki/crl/<label>.crl`, `/pki/ca/<label>.crt`).
public struct CertificateAuthority: Sendable {
    public let label: String
    public let certificate: Certificate
    public let key: SigningKey
    /// The certificate's DER (as stored and served).
    public let der: [UInt8]
    /// The subject name's DER: the issuer name of everything this CA signs.
    public let subjectDER: [UInt8]
    /// SHA-1 over the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1): SKI of this CA, AKI of what it signs.
    public let keyIdentifier: [UInt8]
    /// The subjectPublicKey BIT STRING contents (OCSP issuerKeyHash input).
    public let publicKeyBits: [UInt8]

    public init(label: String, certificate: Certificate, key: SigningKey) throws {
        guard certificate.publicKey.subjectPublicKeyInfoBytes == key.publicKey.subjectPublicKeyInfoBytes else { throw PKIError.keyMismatch }
        self.label = label
        self.certificate = certificate
        self.key = key
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        der = serializer.serializedBytes
        var nameSerializer = DER.Serializer()
        try nameSerializer.serialize(certificate.subject)
        subjectDER = nameSerializer.serializedBytes
        publicKeyBits = try PublicKeyBits.of(certificate.publicKey)
        let ski = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        keyIdentifier = ski.map { Array($0) } ?? Array(Insecure.SHA1.hash(data: publicKeyBits))
    }

    /// Signs a certificate for `publicKey` with the given subject and extensions. `notBefore` counts from its whole
    /// second (DER times have no fractions, and rounding up would date a certificate after its first use — a TSA
    /// unit renewed and used in the same second); `notAfter` is capped at this CA's own (a certificate never outlives
    /// its issuer).
    public func issue(serial: [UInt8], publicKey: Certificate.PublicKey, subject: DistinguishedName,
                      notBefore requested: Date, notAfter: Date, extensions: Certificate.Extensions) throws -> Certificate {
        let notBefore = Date(timeIntervalSince1970: requested.timeIntervalSince1970.rounded(.down))
        let cappedNotAfter = min(notAfter, certificate.notValidAfter)
        guard cappedNotAfter > notBefore else { throw PKIError.validityBeyondIssuer }
        return try Certificate(version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial[...]),
                               publicKey: publicKey, notValidBefore: notBefore, notValidAfter: cappedNotAfter,
                               issuer: certificate.subject, subject: subject,
                               signatureAlgorithm: key.signatureAlgorithm, extensions: extensions,
                               issuerPrivateKey: key.certificateKey)
    }

    /// Issues a certificate under `profile` for `identity`'s subject and `publicKey`: valid from `notBefore` (whole
    /// seconds) for the profile's validity, capped at this CA's notAfter.
    public func issue(_ profile: CertificateProfile, serial: [UInt8], publicKey: Certificate.PublicKey, identity: HolderIdentity,
                      notBefore: Date, endpoints: PKIEndpoints) throws -> Certificate {
        guard !serial.isEmpty, serial.count <= 20 else { throw PKIError.certificateInputInvalid("serial number") }
        let start = Date(timeIntervalSince1970: notBefore.timeIntervalSince1970.rounded(.down))
        return try issue(serial: serial, publicKey: publicKey, subject: try profile.subject(for: identity), notBefore: start,
                         notAfter: start.addingTimeInterval(TimeInterval(profile.validityDays) * 86_400 - 1),
                         extensions: try profile.extensions(publicKey: publicKey, holder: identity, issuer: self, endpoints: endpoints))
    }
}

/// The subjectPublicKey bits of a key (its SPKI's BIT STRING contents: the X9.63 point, or the PKCS#1 RSA key).
public enum PublicKeyBits {
    public static func of(_ key: Certificate.PublicKey) throws -> [UInt8] {
        Array(key.subjectPublicKeyInfoBytes)
    }
}

extension Certificate {
    /// The certificate's DER encoding.
    public var derBytes: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
    }

    /// PEM ("-----BEGIN CERTIFICATE-----"), 64 characters per line.
    public var pem: String {
        get throws { try serializeAsPEM().pemString + "\n" }
    }
}

extension Certificate.PublicKey {
    /// The SubjectPublicKeyInfo DER.
    public var derBytes: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
    }
}
