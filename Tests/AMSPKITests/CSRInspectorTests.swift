import AMSPKI
import AMSTestTools
import Foundation
import Testing

@Suite("Certificate signing requests")
struct CSRInspectorTests {
    func opensslCSR(_ keyArguments: [String], digest: String = "-sha256") throws -> [UInt8] {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let output = try ExternalTool.run(["openssl", "req", "-new", "-newkey"] + keyArguments +
                                          ["-nodes", "-keyout", folder.path("key.pem"), "-subj", "/CN=ignored", digest,
                                           "-outform", "DER", "-out", folder.path("req.der")])
        guard output.status == 0 else { throw TestFailure(output.combined) }
        return try folder.read("req.der")
    }

    @Test("CSRs made by openssl are accepted (DER and PEM) and their key type recognised")
    func accepted() throws {
        let inspector = CSRInspector()
        let p256 = try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        #expect(try inspector.inspect(p256).algorithm == .p256)
        let pem = PKIOracle.derToPEM(p256, label: "CERTIFICATE REQUEST")
        #expect(try inspector.inspect(Array(pem.utf8)).algorithm == .p256)
        #expect(try inspector.inspect(try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-384"])).algorithm == .p384)
        #expect(try inspector.inspect(try opensslCSR(["rsa:2048"])).algorithm == .rsa2048)
    }

    @Test("keys outside policy are refused: RSA-1024, P-521, Ed25519, and anything not allowed by the setting")
    func refusedKeys() throws {
        let inspector = CSRInspector()
        #expect(throws: PKIError.self) { try inspector.inspect(try opensslCSR(["rsa:1024"])) }
        #expect(throws: PKIError.self) { try inspector.inspect(try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-521"])) }
        #expect(throws: PKIError.self) { try inspector.inspect(try opensslCSR(["ed25519"], digest: "-sha512")) }
        let onlyP384 = CSRInspector(allowed: [.p384])
        #expect(throws: PKIError.csrKeyNotAllowed("ECDSA P-256")) {
            try onlyP384.inspect(try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]))
        }
    }

    @Test("a tampered CSR fails its signature check; junk and empty input are malformed")
    func tamperedAndJunk() throws {
        var csr = try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        // Flip a byte inside the subject's "ignored" text: still parses, no longer matches the signature.
        let marker = Array("ignored".utf8)
        let index = (0...(csr.count - marker.count)).first { Array(csr[$0..<($0 + marker.count)]) == marker }!
        csr[index] ^= 0x20
        #expect(throws: PKIError.csrSignatureInvalid) { try CSRInspector().inspect(csr) }
        // A signature value that is not even an ECDSA signature (its SEQUENCE tag broken): the signature is what fails,
        // not the request's shape
        var broken = try opensslCSR(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        /// Where the signature BIT STRING starts: tag, one-byte length reaching the end, no unused bits, a SEQUENCE.
        func isSignatureStart(_ index: Int) -> Bool {
            let header = broken[index] == 0x03 && broken[index + 2] == 0x00 && broken[index + 3] == 0x30
            return header && index + 2 + Int(broken[index + 1]) == broken.count
        }
        let bitString = try #require((0..<(broken.count - 4)).last(where: isSignatureStart))
        broken[bitString + 3] = 0x31
        #expect(throws: PKIError.csrSignatureInvalid) { try CSRInspector().inspect(broken) }
        #expect(throws: PKIError.csrMalformed) { try CSRInspector().inspect(Array("not a csr".utf8)) }
        #expect(throws: PKIError.csrMalformed) { try CSRInspector().inspect([]) }
        #expect(throws: PKIError.csrMalformed) { try CSRInspector().inspect(Array(csr.prefix(40))) }
        #expect(throws: PKIError.csrMalformed) { try CSRInspector().inspect([UInt8](repeating: 0x30, count: 20_000)) }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
