import AMSPKI
import AMSTestTools
import Foundation
import Testing
import X509

@Suite("Certificate profiles as data: the CA issues from any profile, and refuses what a profile cannot carry")
struct CertificateProfileTests {
    static let natural = CertificateProfile.holderSigning(subjectRule: .naturalPerson, policy: OID(dotted: "2.16.360.1.1.1.1")!,
                                                          cpsURI: "https://ams.example.go.id/cps")

    static func naturalHolder(given: String?, surname: String?) -> HolderIdentity {
        var holder = TestHierarchy.holder
        holder.givenName = given
        holder.surname = surname
        return holder
    }

    @Test("validity: whole seconds from notBefore, capped at the issuing CA, refused when nothing is left of it")
    func validity() throws {
        // setup
        let hierarchy = try TestHierarchy()
        var profile = hierarchy.profile
        profile.validityDays = 365 * 50
        let key = try SigningKey.generate(.p256)
        // act
        let capped = try hierarchy.issuing.issue(profile, serial: [1], publicKey: key.publicKey, identity: TestHierarchy.holder,
                                                 notBefore: hierarchy.now.addingTimeInterval(0.75), endpoints: hierarchy.endpoints)
        // check
        #expect(capped.notValidBefore == hierarchy.now)
        #expect(capped.notValidAfter == hierarchy.issuing.certificate.notValidAfter)
        #expect(throws: PKIError.validityBeyondIssuer) {
            try hierarchy.issuing.issue(profile, serial: [1], publicKey: key.publicKey, identity: TestHierarchy.holder,
                                        notBefore: hierarchy.issuing.certificate.notValidAfter, endpoints: hierarchy.endpoints)
        }
    }

    @Test("what a profile cannot carry is refused with the field named, nothing signed")
    func refusals() throws {
        // setup
        let hierarchy = try TestHierarchy()
        var profile = hierarchy.profile
        profile.includeNIK = true
        let key = try SigningKey.generate(.p256)
        func issue(_ holder: HolderIdentity = TestHierarchy.holder, serial: [UInt8] = [1], under chosen: CertificateProfile? = nil) throws {
            _ = try hierarchy.issuing.issue(chosen ?? profile, serial: serial, publicKey: key.publicKey, identity: holder,
                                            notBefore: hierarchy.now, endpoints: hierarchy.endpoints)
        }
        // act, check
        var holder = TestHierarchy.holder
        holder.nik = "3578*0141"
        #expect(throws: CertificateProfile.ProfileError.fieldInvalid("nik")) { try issue(holder) }
        holder = TestHierarchy.holder
        holder.email = "sïti@jatimprov.go.id"
        #expect(throws: CertificateProfile.ProfileError.fieldInvalid("email")) { try issue(holder) }
        holder = TestHierarchy.holder
        holder.unit = String(repeating: "u", count: 65)
        #expect(throws: CertificateProfile.ProfileError.fieldTooLong("unit")) { try issue(holder) }
        holder = TestHierarchy.holder
        holder.fullName = ""
        #expect(throws: CertificateProfile.ProfileError.fieldMissing) { try issue(holder) }
        #expect(throws: PKIError.certificateInputInvalid("serial number")) { try issue(serial: []) }
        #expect(throws: PKIError.certificateInputInvalid("serial number")) { try issue(serial: Array(repeating: 1, count: 21)) }
        #expect(throws: CertificateProfile.ProfileError.fieldMissing) {
            try issue(Self.naturalHolder(given: nil, surname: ""), under: Self.natural)
        }
        #expect(throws: CertificateProfile.ProfileError.fieldTooLong("surname")) {
            try issue(Self.naturalHolder(given: "Siti", surname: String(repeating: "R", count: 65)), under: Self.natural)
        }
    }

    @Test("the ETSI natural-person variant names given name and surname (or one name alone) and carries the NCP policy")
    func naturalPersonSubject() throws {
        // setup
        let hierarchy = try TestHierarchy()
        let key = try SigningKey.generate(.p256)
        // act
        let both = try hierarchy.issuing.issue(Self.natural, serial: [1], publicKey: key.publicKey,
                                               identity: Self.naturalHolder(given: "Siti", surname: "Rahmawati"),
                                               notBefore: hierarchy.now, endpoints: hierarchy.endpoints)
        let single = try hierarchy.issuing.issue(Self.natural, serial: [2], publicKey: key.publicKey,
                                                 identity: Self.naturalHolder(given: "Sukarno", surname: nil),
                                                 notBefore: hierarchy.now, endpoints: hierarchy.endpoints)
        // check
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let text = try ExternalTool.run(["openssl", "x509", "-noout", "-text", "-in", try folder.write("both.pem", try both.pem)]).stdout
        #expect(text.contains("GN = Siti, SN = Rahmawati, CN = Siti Rahmawati"))
        #expect(text.contains("Policy: 0.4.0.2042.1.1"))
        let singleText = try ExternalTool.run(["openssl", "x509", "-noout", "-subject", "-in",
                                               try folder.write("single.pem", try single.pem)]).stdout
        #expect(singleText.contains("GN = Sukarno, CN = Siti Rahmawati"))
        #expect(!singleText.contains("SN ="))
        #expect(Self.natural.name == "holder-signing-natural-person" && hierarchy.profile.name == "holder-signing")
    }

    @Test("pkilint's ETSI natural-person linter finds no error in the variant, for two names and for one")
    func naturalPersonPassesETSILint() throws {
        // setup
        let hierarchy = try TestHierarchy()
        for (given, surname) in [("Siti", "Rahmawati"), ("Sukarno", nil)] as [(String?, String?)] {
            // act
            let certificate = try hierarchy.issuing.issue(Self.natural, serial: SerialNumberGenerator().next(),
                                                          publicKey: try SigningKey.generate(.p256).publicKey,
                                                          identity: Self.naturalHolder(given: given, surname: surname),
                                                          notBefore: hierarchy.now, endpoints: hierarchy.endpoints)
            // check
            let findings = try PKIOracle.pkilintErrors("lint_etsi_cert", der: try certificate.derBytes,
                                                       extraArguments: ["-t", "NCP-NATURAL-PERSON-CERTIFICATE"])
            #expect(findings == [], "\(findings)")
            #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: try certificate.derBytes) == [])
        }
    }
}
