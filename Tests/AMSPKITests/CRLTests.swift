import AMSPKI
import AMSTestTools
import Foundation
import Testing

@Suite("CRLs checked by openssl and pkilint")
struct CRLTests {
    @Test("a CRL with revoked entries verifies under openssl, lists them with reasons, and passes pkilint")
    func signedCRL() throws {
        let hierarchy = try TestHierarchy()
        let (revoked, _) = try hierarchy.issue()
        let (good, _) = try hierarchy.issue()
        var writer = CRLWriter(issuer: hierarchy.issuing)
        writer.append(RevokedEntry(serial: Array(revoked.serialNumber.bytes), revokedAt: hierarchy.now.addingTimeInterval(60),
                                   reason: .keyCompromise, invalidityDate: hierarchy.now.addingTimeInterval(30)))
        writer.append(RevokedEntry(serial: SerialNumberGenerator().next(), revokedAt: hierarchy.now, reason: .unspecified))
        let crl = try writer.finish(number: 42, thisUpdate: hierarchy.now.addingTimeInterval(120),
                                    nextUpdate: hierarchy.now.addingTimeInterval(120 + 7 * 86_400))
        let checked = try PKIOracle.verifyCRL(der: crl, issuerPEM: hierarchy.issuingPEM)
        #expect(checked.ok, "\(checked.text)")
        #expect(checked.text.contains("X509v3 CRL Number: \n                42") || checked.text.contains("CRL Number:"))
        #expect(checked.text.contains("Serial Number: \(Array(revoked.serialNumber.bytes).hexString.uppercased())"))
        #expect(checked.text.contains("Key Compromise"))
        #expect(checked.text.contains("Invalidity Date"))
        #expect(try PKIOracle.pkilintErrors("lint_crl", der: crl, extraArguments: ["-t", "CRL", "-p", "PKIX"]) == [])

        let crlPEM = PKIOracle.derToPEM(crl, label: "X509 CRL")
        let revokedCheck = try PKIOracle.verify(leafPEM: try revoked.pem, rootPEM: hierarchy.rootPEM,
                                                intermediatesPEM: hierarchy.issuingPEM, crlsPEM: [crlPEM], crlCheck: true,
                                                at: hierarchy.now.addingTimeInterval(600))
        #expect(!revokedCheck.ok)
        #expect(revokedCheck.output.contains("certificate revoked"))
        let goodCheck = try PKIOracle.verify(leafPEM: try good.pem, rootPEM: hierarchy.rootPEM,
                                             intermediatesPEM: hierarchy.issuingPEM, crlsPEM: [crlPEM], crlCheck: true,
                                                at: hierarchy.now.addingTimeInterval(600))
        #expect(goodCheck.ok, "\(goodCheck.output)")
    }

    @Test("an empty CRL leaves out revokedCertificates and still verifies")
    func emptyCRL() throws {
        let hierarchy = try TestHierarchy()
        let crl = try CRLWriter(issuer: hierarchy.issuing).finish(number: 1, thisUpdate: hierarchy.now,
                                                                 nextUpdate: hierarchy.now.addingTimeInterval(86_400))
        let checked = try PKIOracle.verifyCRL(der: crl, issuerPEM: hierarchy.issuingPEM)
        #expect(checked.ok, "\(checked.text)")
        #expect(checked.text.contains("No Revoked Certificates"))
        #expect(try PKIOracle.pkilintErrors("lint_crl", der: crl, extraArguments: ["-t", "CRL", "-p", "PKIX"]) == [])
    }

    @Test("times before 2050 are UTCTime, from 2050 GeneralizedTime (RFC 5280 §5.1.2.4)")
    func timeEncoding() {
        var writer = DERWriter()
        writer.time(Date(timeIntervalSince1970: 2_524_607_999))  // 2049-12-31T23:59:59Z
        writer.time(Date(timeIntervalSince1970: 2_524_608_000))  // 2050-01-01T00:00:00Z
        #expect(writer.bytes == [0x17, 13] + Array("491231235959Z".utf8) + [0x18, 15] + Array("20500101000000Z".utf8))
    }

    @Test("DER integers are minimal and positive")
    func integers() {
        var writer = DERWriter()
        writer.integer(0); writer.integer(127); writer.integer(128); writer.integer(-1); writer.integer(256)
        writer.unsignedInteger([0x00, 0x80, 0x01])
        #expect(writer.bytes == [2, 1, 0, 2, 1, 0x7F, 2, 2, 0, 0x80, 2, 1, 0xFF, 2, 2, 1, 0, 2, 3, 0, 0x80, 0x01])
    }
}
