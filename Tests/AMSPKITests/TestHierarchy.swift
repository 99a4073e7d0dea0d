import AMSPKI
import AMSTestTools
import Foundation
import X509

/// A CA hierarchy for tests, made with AMSPKI itself, plus helpers to issue holder certificates.
struct TestHierarchy {
    let root: CertificateAuthority
    let issuing: CertificateAuthority
    let responder: CertificateAuthority
    let profile = CertificateProfile.holderSigning(policy: OID(dotted: "2.16.360.1.1.1.1")!, cpsURI: "https://ams.example.go.id/cps")
    let endpoints = PKIEndpoints(baseURL: "http://ams.example.go.id")
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 60)

    init(algorithm: KeyAlgorithm = .p256) throws {
        let builder = CAHierarchyBuilder(names: .init(), algorithm: algorithm,
                                         policy: OID(dotted: "2.16.360.1.1.1.1")!, endpoints: endpoints)
        root = try builder.makeRoot(now: now.addingTimeInterval(-86_400))
        issuing = try builder.makeIssuing(under: root, now: now.addingTimeInterval(-86_400))
        responder = try CAHierarchyBuilder.makeOCSPResponder(under: issuing, algorithm: algorithm,
                                                             now: now.addingTimeInterval(-3600), lifetimeDays: 90,
                                                             serial: SerialNumberGenerator().next())
    }

    static let holder = HolderIdentity(fullName: "Siti Rahmawati", email: "siti@jatimprov.go.id",
                                       agencyName: "Dinas Kominfo Provinsi Jawa Timur", unit: "Bidang Persandian",
                                       nik: "3578014107900002")

    func issue(key: SigningKey? = nil, serial: [UInt8] = SerialNumberGenerator().next(),
               holder: HolderIdentity = TestHierarchy.holder) throws -> (certificate: Certificate, key: SigningKey) {
        let key = try key ?? SigningKey.generate(.p256)
        let certificate = try issuing.issue(profile, serial: serial, publicKey: key.publicKey, identity: holder, notBefore: now,
                                            endpoints: endpoints)
        return (certificate, key)
    }

    var rootPEM: String { PEM.encode(root.der, label: "CERTIFICATE") }
    var issuingPEM: String { PEM.encode(issuing.der, label: "CERTIFICATE") }
}
