import AMSPKI
import AMSTestTools
import Foundation
import Testing
import SwiftASN1

@Suite("OCSP requests and responses checked by openssl and pkilint")
struct OCSPTests {
    /// openssl builds the request; AMSPKI parses it and answers; openssl checks the answer.
    func roundTrip(status: (OCSPCertificateQuery) -> OCSPCertificateStatus, nonce: Bool = true,
                   hash: String = "-sha1") throws -> (output: ExternalTool.Output, response: [UInt8]) {
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let leaf = try folder.write("leaf.pem", try certificate.pem)
        let issuer = try folder.write("issuer.pem", hierarchy.issuingPEM)
        let root = try folder.write("root.pem", hierarchy.rootPEM)
        let made = try ExternalTool.run(["openssl", "ocsp", "-issuer", issuer, hash, "-cert", leaf,
                                         nonce ? "-nonce" : "-no_nonce", "-reqout", folder.path("req.der")])
        #expect(made.status == 0, "\(made.combined)")
        let request = try OCSPRequestParser.parse(try folder.read("req.der"))
        #expect(request.queries.count == 1)
        #expect(request.queries[0].serial == Array(certificate.serialNumber.bytes))
        #expect((request.nonce != nil) == nonce)
        let builder = OCSPResponseBuilder(issuer: hierarchy.issuing, signer: hierarchy.responder)
        #expect(builder.isForThisIssuer(request.queries[0]))
        let response = try builder.successful(answers: [(request.queries[0], status(request.queries[0]))],
                                              nonce: request.nonce, producedAt: hierarchy.now)
        try folder.write("resp.der", response)
        let checked = try ExternalTool.run(["openssl", "ocsp", "-respin", folder.path("resp.der"), "-issuer", issuer,
                                            hash, "-cert", leaf, "-CAfile", root, "-verify_other", issuer, "-no_nonce"])
        // The nonce, as openssl prints it from the request and from the response, must be the same.
        let requestText = try ExternalTool.run(["openssl", "ocsp", "-reqin", folder.path("req.der"), "-req_text"]).stdout
        let responseText = try ExternalTool.run(["openssl", "ocsp", "-respin", folder.path("resp.der"), "-resp_text", "-noverify"]).stdout
        #expect(Self.nonceLine(requestText) == Self.nonceLine(responseText))
        #expect((Self.nonceLine(responseText) != nil) == nonce)
        return (checked, response)
    }

    static func nonceLine(_ text: String) -> String? {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let index = lines.firstIndex(where: { $0.hasPrefix("OCSP Nonce") }), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    @Test("good: openssl verifies the delegated responder's signature, the nonce and the status")
    func good() throws {
        let (output, response) = try roundTrip(status: { _ in .good })
        #expect(output.status == 0, "\(output.combined)")
        #expect(output.combined.contains("Response verify OK"))
        #expect(output.stdout.contains("leaf.pem: good"))
        #expect(try PKIOracle.pkilintErrors("lint_ocsp_response", der: response) == [])
    }

    @Test("revoked: time and reason as openssl reads them; SHA-256 CertIDs work too")
    func revoked() throws {
        let at = Date(timeIntervalSince1970: 1_789_990_000)
        let (output, response) = try roundTrip(status: { _ in .revoked(at: at, reason: .keyCompromise) }, hash: "-sha256")
        #expect(output.combined.contains("Response verify OK"), "\(output.combined)")
        #expect(output.stdout.contains("leaf.pem: revoked"))
        #expect(output.stdout.contains("Reason: keyCompromise"))
        #expect(try PKIOracle.pkilintErrors("lint_ocsp_response", der: response) == [])
    }

    @Test("unknown, and no nonce echoed when none was sent")
    func unknown() throws {
        let (output, response) = try roundTrip(status: { _ in .unknown }, nonce: false)
        #expect(output.combined.contains("Response verify OK"), "\(output.combined)")
        #expect(output.stdout.contains("leaf.pem: unknown"))
        #expect(try PKIOracle.pkilintErrors("lint_ocsp_response", der: response) == [])
    }

    @Test("malformed input never crashes the parser: truncations, bit flips and random bytes are all Malformed")
    func malformed() throws {
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        let folder = try ScratchFolder()
        defer { folder.remove() }
        _ = try ExternalTool.run(["openssl", "ocsp", "-issuer", try folder.write("i.pem", hierarchy.issuingPEM),
                                  "-cert", try folder.write("l.pem", try certificate.pem), "-reqout", folder.path("req.der")])
        let valid = try folder.read("req.der")
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        for length in 0..<valid.count {
            if (try? OCSPRequestParser.parse(Array(valid.prefix(length)))) == nil { refused += 1 }
        }
        #expect(refused == valid.count, "every strict prefix is refused")
        for _ in 0..<2000 {
            var mutated = valid
            mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? OCSPRequestParser.parse(mutated)
            let random = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? OCSPRequestParser.parse(random)
        }
        #expect(throws: OCSPRequestParser.Malformed.self) { try OCSPRequestParser.parse([0x30, 0x00]) }
        #expect(OCSPResponseBuilder.malformedRequest == [0x30, 0x03, 0x0A, 0x01, 0x01])
    }
}

extension OCSPTests {
    /// DER of `tag` with `content`, lengths in short or long form.
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        if content.count < 128 {
            length = [UInt8(content.count)]
        } else {
            var value = content.count
            var digits: [UInt8] = []
            while value > 0 { digits.insert(UInt8(value & 0xFF), at: 0); value >>= 8 }
            length = [0x80 | UInt8(digits.count)] + digits
        }
        return [tag] + length + content
    }

    /// An OCSP request for one certificate carrying a nonce of `length` octets.
    static func request(nonceLength length: Int, certID: [UInt8]) -> [UInt8] {
        let nonceOID: [UInt8] = [0x06, 0x09, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02]
        let nonceValue = tlv(0x04, tlv(0x04, [UInt8](repeating: 0xA5, count: length)))
        let extensions = tlv(0xA2, tlv(0x30, tlv(0x30, nonceOID + nonceValue)))
        let requestList = tlv(0x30, tlv(0x30, certID))
        return tlv(0x30, tlv(0x30, requestList + extensions))
    }

    @Test("nonces of 1 to 128 octets are accepted and echoed; an empty one, or longer than 128, is malformed")
    func nonceLengths() throws {
        // setup: a CertID from a real request (openssl, no nonce)
        let hierarchy = try TestHierarchy()
        let (certificate, _) = try hierarchy.issue()
        let folder = try ScratchFolder()
        defer { folder.remove() }
        _ = try ExternalTool.run(["openssl", "ocsp", "-issuer", try folder.write("i.pem", hierarchy.issuingPEM), "-no_nonce",
                                  "-cert", try folder.write("l.pem", try certificate.pem), "-reqout", folder.path("req.der")])
        let plain = try OCSPRequestParser.parse(try folder.read("req.der"))
        #expect(plain.nonce == nil && plain.queries.count == 1)
        let der = try folder.read("req.der")
        // the CertID of its one request
        let root = try DER.parse(der)
        guard case .constructed(let outer) = root.content, let tbs = outer.first(where: { _ in true }),
              case .constructed(let tbsChildren) = tbs.content, let list = tbsChildren.first(where: { _ in true }),
              case .constructed(let requests) = list.content, let single = requests.first(where: { _ in true }),
              case .constructed(let singleChildren) = single.content, let certID = singleChildren.first(where: { _ in true }) else {
            Issue.record("no CertID in openssl's request")
            return
        }
        let certIDBytes = Array(certID.encodedBytes)
        // act, check
        for length in [1, 16, 64, 100, 128] {
            let parsed = try OCSPRequestParser.parse(Self.request(nonceLength: length, certID: certIDBytes))
            #expect(parsed.nonce == Self.tlv(0x04, [UInt8](repeating: 0xA5, count: length)), "\(length)")
        }
        for length in [0, 129] {
            #expect(throws: OCSPRequestParser.Malformed.self, "\(length)") {
                try OCSPRequestParser.parse(Self.request(nonceLength: length, certID: certIDBytes))
            }
        }
    }
}
