import AMSPKI
import Fluent
import Foundation
import NIOConcurrencyHelpers
import X509
import AMSCore

/// Loads the active CA certificates and unseals their keys with the key-encryption key, once per process (again
/// after ``forget()``, e.g. when the OCSP responder certificate was renewed).
package actor CertificateAuthorityKeys {
    let keyEncryptionKey: KeyEncryptionKey
    /// The policy AMS's time-stamps are issued under.
    let policy: OID
    /// Readable without awaiting the actor (the OCSP responder answers from memory on the event loop).
    private nonisolated let loaded = NIOLockedValueBox<LoadedAuthorities?>(nil)

    /// The authorities if they are loaded already; nil before the first ``current(on:)`` and after ``forget()``.
    nonisolated var loadedIfAny: LoadedAuthorities? { loaded.withLockedValue { $0 } }

    init(keyEncryptionKey: KeyEncryptionKey, timeStampPolicy: OID) {
        self.keyEncryptionKey = keyEncryptionKey
        self.policy = timeStampPolicy
    }

    package func current(on database: any Database) async throws -> LoadedAuthorities {
        if let loaded = loadedIfAny { return loaded }
        let rows = try await CertificateAuthorityModel.query(on: database).filter(\.$active == true).all()
        func authority(_ role: CertificateAuthorityModel.Role) throws -> (CertificateAuthority, UUID) {
            guard let row = rows.first(where: { $0.role == role }) else { throw DomainError.caNotInitialized }
            return (try unseal(row), row.id!)
        }
        let root = try authority(.root)
        let issuing = try authority(.issuing)
        let responder = try authority(.ocspResponder)
        let unit = try rows.first(where: { $0.role == .timeStamping }).map(unseal)
        let result = LoadedAuthorities(root: root.0, rootID: root.1, issuing: issuing.0, issuingID: issuing.1,
                                       responder: responder.0, responderID: responder.1,
                                       ocsp: OCSPResponseBuilder(issuer: issuing.0, signer: responder.0),
                                       tsa: unit.map { TimeStampAuthority(unit: $0, issuing: issuing.0, policy: policy) })
        loaded.withLockedValue { $0 = result }
        return result
    }

    func forget() {
        loaded.withLockedValue { $0 = nil }
    }

    func unseal(_ row: CertificateAuthorityModel) throws -> CertificateAuthority {
        guard let algorithm = KeyAlgorithm(rawValue: row.keyAlgorithm) else { throw PKIError.keyMismatch }
        let key = try keyEncryptionKey.open(Array(row.sealedKey), label: row.label, algorithm: algorithm)
        return try CertificateAuthority(label: row.label, certificate: try Certificate(derEncoded: Array(row.certificateDER)), key: key)
    }

    /// A key AMS holds for an institution (an electronic seal's), sealed under the key-encryption key with `label`.
    nonisolated func seal(_ key: SigningKey, label: String) throws -> [UInt8] {
        try keyEncryptionKey.seal(key, label: label)
    }

    nonisolated func open(_ sealed: [UInt8], label: String, algorithm: KeyAlgorithm) throws -> SigningKey {
        try keyEncryptionKey.open(sealed, label: label, algorithm: algorithm)
    }

    /// The row to store for a new CA certificate, its key sealed under the key-encryption key.
    func sealedRow(_ authority: CertificateAuthority, role: CertificateAuthorityModel.Role, now: Date) throws -> CertificateAuthorityModel {
        let row = CertificateAuthorityModel()
        row.label = authority.label
        row.role = role
        row.keyAlgorithm = authority.key.algorithm.rawValue
        row.certificateDER = Data(authority.der)
        row.sealedKey = Data(try keyEncryptionKey.seal(authority.key, label: authority.label))
        row.subject = authority.certificate.subject.description
        row.serialHex = Array(authority.certificate.serialNumber.bytes).hexString
        row.notBefore = authority.certificate.notValidBefore
        row.notAfter = authority.certificate.notValidAfter
        row.active = true
        row.createdAt = now
        return row
    }
}
