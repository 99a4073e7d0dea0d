import AMSPKI
import AMSTestTools
import Foundation
import Synchronization
import Testing
import X509

@Suite("Certificate issuance checked by openssl and pkilint")
struct CertificateIssuanceTests {
    @Test("the holder certificate chains to the root under openssl, for every CA key algorithm",
          arguments: [KeyAlgorithm.p256, .p384, .rsa2048])
    func chainVerifies(algorithm: KeyAlgorithm) throws {
        let hierarchy = try TestHierarchy(algorithm: algorithm)
        let (certificate, _) = try hierarchy.issue()
        let result = try PKIOracle.verify(leafPEM: try certificate.pem, rootPEM: hierarchy.rootPEM,
                                          intermediatesPEM: hierarchy.issuingPEM)
        #expect(result.ok, "openssl verify: \(result.output)")
    }

    @Test("pkilint finds no error in the holder certificate, the issuing CA or the OCSP responder certificate")
    func pkilintClean() throws {
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: try certificate.derBytes) == [])
        #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: hierarchy.issuing.der) == [])
        #expect(try PKIOracle.pkilintErrors("lint_pkix_cert", der: hierarchy.responder.der) == [])
    }

    @Test("the profile: subject, SAN, key usage, EKU, policy, CRL DP and AIA as openssl prints them")
    func profileAsOpenSSLSeesIt() throws {
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let text = try ExternalTool.run(["openssl", "x509", "-noout", "-text", "-in",
                                         try folder.write("leaf.pem", try certificate.pem)]).stdout
        #expect(text.contains("C = ID, O = Dinas Kominfo Provinsi Jawa Timur, OU = Bidang Persandian, CN = Siti Rahmawati"))
        #expect(text.contains("email:siti@jatimprov.go.id"))
        #expect(text.contains("Digital Signature, Non Repudiation"))
        #expect(text.contains("E-mail Protection"))
        #expect(text.contains("1.3.6.1.5.5.7.3.36"))
        #expect(text.contains("Policy: 2.16.360.1.1.1.1"))
        #expect(text.contains("CPS: https://ams.example.go.id/cps"))
        #expect(text.contains("URI:http://ams.example.go.id/pki/crl/issuing.crl"))
        #expect(text.contains("OCSP - URI:http://ams.example.go.id/pki/ocsp"))
        #expect(text.contains("CA Issuers - URI:http://ams.example.go.id/pki/ca/issuing.crt"))
        #expect(!text.contains("3578014107900002"), "the NIK stays out unless the policy includes it")
        #expect(certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) == 730 * 86_400 - 1)
    }

    @Test("the NIK goes into the subject's serialNumber only when the profile says so")
    func nikByPolicy() throws {
        let hierarchy = try TestHierarchy()
        var profile = hierarchy.profile
        profile.includeNIK = true
        let subject = try profile.subject(for: TestHierarchy.holder)
        #expect(String(describing: subject).contains("3578014107900002"))
    }

    @Test("a name longer than RFC 5280 allows is refused with the field named, not truncated")
    func overlongName() throws {
        let hierarchy = try TestHierarchy()
        var holder = TestHierarchy.holder
        holder.fullName = String(repeating: "A", count: 65)
        #expect(throws: CertificateProfile.ProfileError.fieldTooLong("fullName")) { try hierarchy.issue(holder: holder) }
    }

    @Test("serial numbers are 16 bytes, positive, never with a leading zero byte")
    func serials() {
        // First draw starts with 0x00 (must be redrawn), second with 0xFF (top bit must be cleared).
        let calls = Mutex(0)
        let zeroThenRandom = SerialNumberGenerator(randomBytes: { count in
            let call = calls.withLock { value in value += 1; return value }
            return [call == 1 ? 0x00 : 0xFF] + Array(repeating: 0xAB, count: count - 1)
        })
        let serial = zeroThenRandom.next()
        #expect(serial.count == 16)
        #expect(serial[0] == 0x7F)
        let many = (0..<2000).map { _ in SerialNumberGenerator().next() }
        #expect(many.allSatisfy { $0.count == 16 && $0[0] != 0 && $0[0] & 0x80 == 0 })
        #expect(Set(many.map(\.hexString)).count == many.count)
    }

    @Test("the PKCS#7 certs-only bundle holds the leaf and the chain, as openssl pkcs7 reads it")
    func pkcs7Bundle() throws {
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        let bundle = PKCS7CertificateBundle.der(certificates: [try certificate.derBytes, hierarchy.issuing.der, hierarchy.root.der])
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let output = try ExternalTool.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout", "-in",
                                           try folder.write("bundle.p7b", bundle)])
        #expect(output.status == 0, "\(output.combined)")
        #expect(output.stdout.contains("subject=C = ID, O = Dinas Kominfo Provinsi Jawa Timur"))
        #expect(output.stdout.contains("subject=C = ID, O = AMS Certificate Authority, CN = AMS Issuing CA"))
        #expect(output.stdout.contains("subject=C = ID, O = AMS Certificate Authority, CN = AMS Root CA"))
    }
}
