import AMSPKI
import AMSTestTools
import Crypto
import Foundation
import Testing
import X509

/// The detached CAdES signature PAdES B-T embeds in a PDF: openssl verifies it over the signed bytes, finds the
/// attributes PAdES asks for and none it forbids, and verifies the signature time-stamp over the signature value.
@Suite("CAdES detached signatures with a signature time-stamp (PAdES B-T's CMS)")
struct CAdESSignerTests {
    @Test(arguments: [KeyAlgorithm.p256, .p384, .rsa2048])
    func openSSLVerifiesTheSignatureAndItsTimeStamp(holderAlgorithm: KeyAlgorithm) throws {
        // setup: a holder's certificate and key, AMS's TSA, some bytes to sign
        let hierarchy = try TestHierarchy()
        let (certificate, key) = try hierarchy.issue(key: try SigningKey.generate(holderAlgorithm))
        let unit = try CAHierarchyBuilder.makeTimeStampingUnit(under: hierarchy.issuing, algorithm: .p256, now: hierarchy.now,
                                                               lifetimeDays: 365, serial: SerialNumberGenerator().next())
        let tsa = TimeStampAuthority(unit: unit, issuing: hierarchy.issuing, policy: OID(dotted: "2.16.360.1.1.1.2")!)
        let content = Array("%PDF-1.7\n… the bytes a /ByteRange covers …\n".utf8) + (0..<4096).map { UInt8($0 % 251) }
        let signer = CAdESSigner(certificate: try certificate.derBytes, key: key, chain: [hierarchy.issuing.der])
        // act
        let signature = try signer.sign(digest: key.digest(content)) { request in
            try tsa.token(for: request, at: hierarchy.now, serial: SerialNumberGenerator().next())
        }
        // check: the signature over the bytes, with openssl
        let folder = try ScratchFolder("ams-cades")
        defer { folder.remove() }
        let sig = try folder.write("signature.der", signature.cms)
        let data = try folder.write("content.bin", content)
        _ = try folder.write("root.pem", hierarchy.rootPEM)
        _ = try folder.write("issuing.pem", hierarchy.issuingPEM)
        let verify = try ExternalTool.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", sig, "-content", data, "-binary",
                                           "-CAfile", folder.path("root.pem"), "-purpose", "any", "-out", folder.path("out.bin")])
        #expect(verify.stderr.contains("Verification successful"), "\(verify.combined)")
        // a changed byte breaks it
        let tampered = try folder.write("tampered.bin", [content[0] ^ 1] + content.dropFirst())
        let broken = try ExternalTool.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", sig, "-content", tampered, "-binary",
                                           "-CAfile", folder.path("root.pem"), "-purpose", "any", "-out", folder.path("out.bin")])
        #expect(!broken.stderr.contains("Verification successful"))
        // the attributes: signing-certificate-v2 and the time-stamp; no signing-time
        let printed = try ExternalTool.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", sig]).stdout
        #expect(printed.contains("id-smime-aa-signingCertificateV2") && printed.contains("id-smime-aa-timeStampToken"), "\(printed)")
        #expect(!printed.contains("signingTime"))
        // the time-stamp covers the signature value
        let token = try folder.write("token.der", try #require(signature.timeStampToken))
        _ = try folder.write("chain.pem", hierarchy.issuingPEM + PEM.encode(unit.der, label: "CERTIFICATE"))
        let digest = Array(SHA256.hash(data: signature.signatureValue)).map { String(format: "%02x", $0) }.joined()
        let stamp = try ExternalTool.run(["openssl", "ts", "-verify", "-digest", digest, "-sha256", "-in", token, "-token_in",
                                          "-CAfile", folder.path("root.pem"), "-untrusted", folder.path("chain.pem")])
        #expect(stamp.stdout.contains("Verification: OK"), "\(stamp.combined)")
    }
}
