import AMSPKI
import AMSTestTools
import Foundation
import Testing
import X509

/// AMS's time-stamping authority (RFC 3161), checked by `openssl ts`: requests with and without a nonce and
/// certReq, and refusals that are rejections rather than errors.
@Suite("Time-stamping authority (RFC 3161)")
struct TimeStampTests {
    static let policy = OID(dotted: "2.16.360.1.1.1.2")!

    struct World {
        let hierarchy: TestHierarchy
        let unit: CertificateAuthority
        let tsa: TimeStampAuthority
        let folder: ScratchFolder
        let data: String

        init(algorithm: KeyAlgorithm = .p256) throws {
            hierarchy = try TestHierarchy(algorithm: algorithm)
            unit = try CAHierarchyBuilder.makeTimeStampingUnit(under: hierarchy.issuing, algorithm: algorithm, now: hierarchy.now,
                                                               lifetimeDays: 365, serial: SerialNumberGenerator().next())
            tsa = TimeStampAuthority(unit: unit, issuing: hierarchy.issuing, policy: TimeStampTests.policy)
            folder = try ScratchFolder("ams-tsa")
            data = try folder.write("document.pdf", Array("%PDF-1.7 a document to stamp\n".utf8))
            _ = try folder.write("root.pem", hierarchy.rootPEM)
            _ = try folder.write("chain.pem", hierarchy.issuingPEM + PEM.encode(unit.der, label: "CERTIFICATE"))
        }

        /// `openssl ts -query` for the document, with the given options; the reply AMS gives; `openssl ts -verify` on it.
        func stamp(_ options: [String]) throws -> (reply: [UInt8], verify: ExternalTool.Output, text: String) {
            let query = try ExternalTool.run(["openssl", "ts", "-query", "-data", data, "-sha256", "-out", folder.path("request.tsq")] + options)
            #expect(query.status == 0, "\(query.stderr)")
            let request = Array(try Data(contentsOf: URL(fileURLWithPath: folder.path("request.tsq"))))
            let reply = try tsa.respond(to: request, now: hierarchy.now, serial: SerialNumberGenerator().next())
            let replyPath = try folder.write("reply.tsr", reply)
            let verify = try ExternalTool.run(["openssl", "ts", "-verify", "-queryfile", folder.path("request.tsq"), "-in", replyPath,
                                               "-CAfile", folder.path("root.pem"), "-untrusted", folder.path("chain.pem")])
            let text = try ExternalTool.run(["openssl", "ts", "-reply", "-in", replyPath, "-text"]).stdout
            return (reply, verify, text)
        }
    }

    @Test(arguments: [KeyAlgorithm.p256, .p384, .rsa2048])
    func repliesVerifyWithOpenSSLWithAndWithoutNonceAndCertificate(algorithm: KeyAlgorithm) throws {
        let world = try World(algorithm: algorithm)
        defer { world.folder.remove() }
        for options in [[], ["-no_nonce"], ["-cert"], ["-cert", "-no_nonce"]] {
            let (_, verify, text) = try world.stamp(options)
            #expect(verify.stdout.contains("Verification: OK"), "\(options): \(verify.combined)")
            #expect(text.contains("Status: Granted.") && text.contains("Policy OID: 2.16.360.1.1.1.2"), "\(text)")
            #expect(text.contains("Nonce: unspecified") == options.contains("-no_nonce"), "\(text)")
        }
    }

    @Test func theUnitsCertificateIsFitForTimeStamping() throws {
        let world = try World()
        defer { world.folder.remove() }
        let pem = try world.folder.write("tsa.pem", PEM.encode(world.unit.der, label: "CERTIFICATE"))
        let purpose = try ExternalTool.run(["openssl", "x509", "-in", pem, "-noout", "-purpose"])
        #expect(purpose.stdout.contains("Time Stamp signing : Yes"), "\(purpose.stdout)")
        let text = try ExternalTool.run(["openssl", "x509", "-in", pem, "-noout", "-text"]).stdout
        #expect(text.contains("X509v3 Extended Key Usage: critical") && text.contains("Time Stamping"))
        let lint = try PKIOracle.pkilintErrors("lint_pkix_cert", der: world.unit.der)
        #expect(lint.isEmpty, "\(lint)")
    }

    @Test func requestsItCannotHonourGetARejectionSayingWhy() throws {
        let world = try World()
        defer { world.folder.remove() }
        // junk, SHA-1, and a policy AMS does not offer
        let junk = try world.tsa.respond(to: Array("not a request".utf8), now: world.hierarchy.now, serial: [1])
        let sha1Query = try ExternalTool.run(["openssl", "ts", "-query", "-data", world.data, "-sha1", "-out", world.folder.path("sha1.tsq")])
        #expect(sha1Query.status == 0)
        let sha1 = try world.tsa.respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: world.folder.path("sha1.tsq")))),
                                         now: world.hierarchy.now, serial: [2])
        let policyQuery = try ExternalTool.run(["openssl", "ts", "-query", "-data", world.data, "-sha256", "-tspolicy", "1.2.3.4",
                                                "-out", world.folder.path("policy.tsq")])
        #expect(policyQuery.status == 0)
        let policy = try world.tsa.respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: world.folder.path("policy.tsq")))),
                                           now: world.hierarchy.now, serial: [3])
        for (reply, failure) in [(junk, "the data submitted has the wrong format"), (sha1, "unrecognized or unsupported algorithm identifier"),
                                 (policy, "the requested TSA policy is not supported")] {
            let path = try world.folder.write("rejected.tsr", reply)
            let text = try ExternalTool.run(["openssl", "ts", "-reply", "-in", path, "-text"])
            #expect(text.stdout.contains("Status: Rejected.") && text.stdout.contains(failure), "\(text.combined)")
        }
    }
}
