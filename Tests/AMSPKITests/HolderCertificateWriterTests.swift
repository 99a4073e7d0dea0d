import AMSPKI
import Foundation
import Testing
import X509

@Suite("Holder certificates written directly in DER are the ones swift-certificates builds")
struct HolderCertificateWriterTests {
    static let holders: [HolderIdentity] = [
        TestHierarchy.holder,
        HolderIdentity(fullName: "Budi Santoso", email: "budi@kominfo.go.id", agencyName: "Kementerian Komunikasi",
                       unit: nil, nik: nil),
        HolderIdentity(fullName: "Budi Santoso", email: "budi@kominfo.go.id", agencyName: "Kementerian Komunikasi",
                       unit: "", nik: "3171011203850003"),
        // 64 characters of two and three bytes each: long-form lengths in the name and in the TBS
        HolderIdentity(fullName: String(repeating: "Ś", count: 40) + String(repeating: "語", count: 24),
                       email: "panjang.sekali.nama.pengguna.ini@pemerintah-daerah-contoh.go.id",
                       agencyName: String(repeating: "Dinas ", count: 10) + "Abcd", unit: String(repeating: "Ñ", count: 64),
                       nik: "3578014107900002"),
    ]

    /// The certificate as swift-certificates builds it from the profile's subject and extensions.
    static func reference(_ hierarchy: TestHierarchy, profile: CertificateProfile, serial: [UInt8], key: SigningKey,
                          holder: HolderIdentity, notBefore: Date) throws -> Certificate {
        try hierarchy.issuing.issue(
            serial: serial, publicKey: key.publicKey, subject: try profile.subject(for: holder), notBefore: notBefore,
            notAfter: notBefore.addingTimeInterval(TimeInterval(profile.validityDays) * 86_400 - 1),
            extensions: try profile.extensions(publicKey: key.publicKey, holder: holder, issuer: hierarchy.issuing,
                                               endpoints: hierarchy.endpoints))
    }

    /// Where two encodings part (an expectation comparing the arrays themselves would print both in full).
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    }

    @Test("the TBS is byte for byte swift-certificates' for every holder shape, with and without NIK and CPS",
          arguments: [false, true])
    func sameTBS(includeNIK: Bool) throws {
        let hierarchy = try TestHierarchy()
        for cpsURI in [hierarchy.profile.cpsURI, nil] {
            var profile = hierarchy.profile
            profile.includeNIK = includeNIK
            profile.cpsURI = cpsURI
            let writer = try HolderCertificateWriter(issuer: hierarchy.issuing, profile: profile, endpoints: hierarchy.endpoints)
            for holder in Self.holders {
                let key = try SigningKey.generate(.p256)
                let serial = SerialNumberGenerator().next()
                let expected = try Self.reference(hierarchy, profile: profile, serial: serial, key: key, holder: holder,
                                                  notBefore: hierarchy.now)
                let written = try writer.tbsCertificate(serial: serial, subjectPublicKeyInfo: try key.publicKey.derBytes,
                                                        holder: holder, notBefore: hierarchy.now)
                let reference = Array(expected.tbsCertificateBytes)
                let matches = written.bytes == reference
                let difference = Self.firstDifference(written.bytes, reference)
                #expect(matches, "holder \(holder.fullName.prefix(8)), NIK \(includeNIK), CPS \(cpsURI != nil): first difference at \(difference)")
                #expect(written.notAfter == expected.notValidAfter)
            }
        }
    }

    @Test("the signed certificate parses, verifies under the issuing CA's key and carries the TBS written")
    func signedAndVerifies() throws {
        let hierarchy = try TestHierarchy()
        let writer = try HolderCertificateWriter(issuer: hierarchy.issuing, profile: hierarchy.profile, endpoints: hierarchy.endpoints)
        let key = try SigningKey.generate(.p256)
        let serial = SerialNumberGenerator().next()
        let issued = try writer.issue(serial: serial, subjectPublicKeyInfo: try key.publicKey.derBytes, holder: TestHierarchy.holder,
                                      notBefore: hierarchy.now)
        let certificate = try Certificate(derEncoded: issued.der)
        #expect(hierarchy.issuing.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(Array(certificate.serialNumber.bytes) == serial)
        #expect(certificate.publicKey == key.publicKey)
        #expect(certificate.notValidAfter == issued.notAfter)
    }

    @Test("under an RSA CA (deterministic signatures) the whole certificate equals swift-certificates', RSA holder keys too")
    func wholeCertificateUnderRSA() throws {
        let hierarchy = try TestHierarchy(algorithm: .rsa2048)
        let writer = try HolderCertificateWriter(issuer: hierarchy.issuing, profile: hierarchy.profile, endpoints: hierarchy.endpoints)
        for key in [try SigningKey.generate(.p384), try SigningKey.generate(.rsa2048)] {
            let serial = SerialNumberGenerator().next()
            let expected = try Self.reference(hierarchy, profile: hierarchy.profile, serial: serial, key: key,
                                              holder: TestHierarchy.holder, notBefore: hierarchy.now)
            let issued = try writer.issue(serial: serial, subjectPublicKeyInfo: try key.publicKey.derBytes,
                                          holder: TestHierarchy.holder, notBefore: hierarchy.now)
            let reference = try expected.derBytes
            let matches = issued.der == reference
            #expect(matches, "first difference at byte \(Self.firstDifference(issued.der, reference))")
        }
    }

    @Test("validity: whole seconds, capped at the issuing CA, refused when nothing is left of it")
    func validity() throws {
        let hierarchy = try TestHierarchy()
        var profile = hierarchy.profile
        profile.validityDays = 365 * 50
        let writer = try HolderCertificateWriter(issuer: hierarchy.issuing, profile: profile, endpoints: hierarchy.endpoints)
        let spki = try SigningKey.generate(.p256).publicKey.derBytes
        let capped = try writer.tbsCertificate(serial: [1], subjectPublicKeyInfo: spki, holder: TestHierarchy.holder,
                                               notBefore: hierarchy.now.addingTimeInterval(0.75))
        #expect(capped.notAfter == hierarchy.issuing.certificate.notValidAfter)
        let parsed = try Certificate(derEncoded: try writer.issue(serial: [1], subjectPublicKeyInfo: spki, holder: TestHierarchy.holder,
                                                                  notBefore: hierarchy.now.addingTimeInterval(0.75)).der)
        #expect(parsed.notValidBefore == hierarchy.now)
        #expect(throws: PKIError.validityBeyondIssuer) {
            try writer.tbsCertificate(serial: [1], subjectPublicKeyInfo: spki, holder: TestHierarchy.holder,
                                      notBefore: hierarchy.issuing.certificate.notValidAfter)
        }
    }

    @Test("malformed input is refused with the field named, nothing signed")
    func refusals() throws {
        let hierarchy = try TestHierarchy()
        var profile = hierarchy.profile
        profile.includeNIK = true
        let writer = try HolderCertificateWriter(issuer: hierarchy.issuing, profile: profile, endpoints: hierarchy.endpoints)
        let spki = try SigningKey.generate(.p256).publicKey.derBytes
        func tbs(_ holder: HolderIdentity = TestHierarchy.holder, spki: [UInt8] = spki, serial: [UInt8] = [1]) throws {
            _ = try writer.tbsCertificate(serial: serial, subjectPublicKeyInfo: spki, holder: holder, notBefore: hierarchy.now)
        }
        var holder = TestHierarchy.holder
        holder.nik = "3578*0141"
        #expect(throws: CertificateProfile.ProfileError.fieldInvalid("nik")) { try tbs(holder) }
        holder = TestHierarchy.holder
        holder.email = "sïti@jatimprov.go.id"
        #expect(throws: CertificateProfile.ProfileError.fieldInvalid("email")) { try tbs(holder) }
        holder = TestHierarchy.holder
        holder.unit = String(repeating: "u", count: 65)
        #expect(throws: CertificateProfile.ProfileError.fieldTooLong("unit")) { try tbs(holder) }
        holder = TestHierarchy.holder
        holder.fullName = ""
        #expect(throws: CertificateProfile.ProfileError.fieldMissing) { try tbs(holder) }
        let keyError = PKIError.certificateInputInvalid("subject public key info")
        #expect(throws: keyError) { try tbs(spki: Array(spki.dropLast())) }
        #expect(throws: keyError) { try tbs(spki: spki + [0]) }
        #expect(throws: keyError) { try tbs(spki: [0x30, 0x00]) }
        var unusedBits = spki
        unusedBits[spki.count - 66] = 1  // the BIT STRING's unused-bits octet before a 65-byte P-256 point
        #expect(throws: keyError) { try tbs(spki: unusedBits) }
        #expect(throws: PKIError.certificateInputInvalid("serial number")) { try tbs(serial: []) }
        #expect(throws: PKIError.certificateInputInvalid("serial number")) { try tbs(serial: Array(repeating: 1, count: 21)) }
    }
}
