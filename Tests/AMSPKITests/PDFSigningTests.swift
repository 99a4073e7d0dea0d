import AMSPKI
import AMSTestTools
import Foundation
import Testing
import X509

/// PAdES B-T signatures on the shared corpus of real-world PDFs, validated by pyHanko (intact, valid, trusted under
/// AMS's root, with a trusted signature time-stamp); earlier signatures stay valid; what cannot be signed yet is
/// refused with its reason and nothing written.
@Suite("Signing PDFs: PAdES B-T as an incremental update")
struct PDFSigningTests {
    struct Signer {
        let hierarchy: TestHierarchy
        let tsa: TimeStampAuthority
        let certificate: Certificate
        let key: SigningKey

        init(name: String = "Siti Rahmawati") throws {
            hierarchy = try TestHierarchy()
            let unit = try CAHierarchyBuilder.makeTimeStampingUnit(under: hierarchy.issuing, algorithm: .p256, now: hierarchy.now,
                                                                   lifetimeDays: 365, serial: SerialNumberGenerator().next())
            tsa = TimeStampAuthority(unit: unit, issuing: hierarchy.issuing, policy: OID(dotted: "2.16.360.1.1.1.2")!)
            (certificate, key) = try hierarchy.issue()
        }

        func sign(_ pdf: [UInt8], field: String = "AMS1", appearance: SignatureAppearance? = nil) throws -> [UInt8] {
            try sign(pdf, field: field, appearance: appearance) { request in
                try tsa.token(for: request, at: hierarchy.now, serial: SerialNumberGenerator().next())
            }
        }

        /// A PAdES B-B signature: no signature time-stamp.
        func signWithoutTimestamp(_ pdf: [UInt8]) throws -> [UInt8] {
            try sign(pdf, field: "AMS1", appearance: nil, timeStamp: nil)
        }

        func sign(_ pdf: [UInt8], field: String, appearance: SignatureAppearance?,
                  timeStamp: ((TimeStampRequest) throws -> [UInt8])?) throws -> [UInt8] {
            let cades = CAdESSigner(certificate: try certificate.derBytes, key: key, chain: [hierarchy.issuing.der])
            return try PDFIncrementalSigner().sign(pdf, details: .init(signingTime: hierarchy.now, signerName: "Siti Rahmawati",
                                                                       reason: "Menyetujui dokumen", location: "Padang", fieldName: field,
                                                                       appearance: appearance)) { parts in
                try cades.sign(digest: key.digest(parts: parts), timeStamp: timeStamp).cms
            }
        }
    }

    static func validate(_ pdf: [UInt8], roots: [String]) throws -> [String] {
        let output = try SigningFixtures.pyHankoVerdict(pdf, rootPaths: roots)
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    static func document(_ name: String) throws -> [UInt8] {
        try SigningFixtures.document(name)
    }

    @Test(arguments: ["fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf",
                      "marker-on-last-page.pdf", "form-fields-and-empty-signature-field.pdf"])
    func aClassicCrossReferenceDocumentIsSignedAndPyHankoValidatesIt(name: String) throws {
        let signer = try Signer()
        let original = try Self.document(name)
        // act
        let signed = try signer.sign(original)
        // check: every earlier byte kept; pyHanko finds the signature intact, valid, trusted and time-stamped
        #expect(Array(signed.prefix(original.count)) == original)
        let folder = try ScratchFolder("ams-root")
        defer { folder.remove() }
        let root = try folder.write("root.pem", signer.hierarchy.rootPEM)
        let lines = try Self.validate(signed, roots: [root])
        #expect(lines.count == 1 && lines[0].hasPrefix("AMS1 intact=True valid=True trusted=True coverage=ENTIRE_FILE timestamp=trusted"),
                "\(name): \(lines)")
        // a second holder signs after the first: both validate
        let twice = try Signer().sign(signed, field: "AMS2")
        let both = try Self.validate(twice, roots: [root])
        #expect(both.count == 2 && both.allSatisfy { $0.contains("intact=True valid=True") }, "\(name): \(both)")
    }

    @Test func anEarlierSignatureByAnotherCAStaysValid() throws {
        let signer = try Signer()
        let signed = try signer.sign(try Self.document("signed-once-by-another-ca.pdf"))
        let folder = try ScratchFolder("ams-roots")
        defer { folder.remove() }
        let ours = try folder.write("root.pem", signer.hierarchy.rootPEM)
        let theirs = SigningFixtures.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt").path
        let lines = try Self.validate(signed, roots: [ours, theirs])
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("intact=True valid=True trusted=True") }, "\(lines)")
    }

    @Test func theDocumentsOwnEmptySignatureFieldTakesTheSignatureOnce() throws {
        let signer = try Signer()
        let signed = try signer.sign(try Self.document("form-fields-and-empty-signature-field.pdf"), field: "ttd_kepala_dinas")
        let folder = try ScratchFolder("ams-field")
        defer { folder.remove() }
        let lines = try Self.validate(signed, roots: [try folder.write("root.pem", signer.hierarchy.rootPEM)])
        // the field the document drew (at 350,60–550,140, its name written with octal escapes) is the one signed
        #expect(lines.count == 1 && lines[0].hasPrefix("ttd_kepala_dinas intact=True valid=True trusted=True")
                && lines[0].contains("page=1 rect=350,60,550,140"), "\(lines)")
        #expect(throws: PDFError.fieldAlreadySigned("ttd_kepala_dinas")) { try signer.sign(signed, field: "ttd_kepala_dinas") }
    }

    /// A one-page PDF certified with DocMDP P=1 ("no changes allowed"), written by hand with a correct cross-reference.
    static func certifiedNoChanges() -> [UInt8] {
        let objects = ["<< /Type /Catalog /Pages 2 0 R /Perms << /DocMDP 4 0 R >> >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                       "<< /Type /Sig /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>] >>"]
        var out = Array("%PDF-1.7\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n\r\n", offset).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    @Test func whatCannotBeSignedIsRefusedWithItsReason() throws {
        let signer = try Signer()
        #expect(throws: PDFError.notAPDF) { try signer.sign(try Self.document("not-a-pdf.pdf")) }
        #expect(throws: PDFError.encrypted) { try signer.sign(try Self.document("encrypted-user-password-rahasia.pdf")) }
        #expect(throws: PDFError.notAPDF) { try signer.sign(Array("plain text, not a PDF at all".utf8)) }
        #expect(throws: PDFError.noChangesAllowed) { try signer.sign(Self.certifiedNoChanges()) }
        // the same document without its certification signs (the refusal is the certification's, not the file's)
        let uncertified = String(decoding: Self.certifiedNoChanges(), as: UTF8.self).replacingOccurrences(of: "/P 1 /V", with: "/P 2 /V")
        #expect(try signer.sign(Array(uncertified.utf8)).count > uncertified.utf8.count)
    }

    /// Damaged files (bytes flipped, cut short) are refused with a PDFError or signed, never a crash: the parser,
    /// the cross-reference readers and Inflate are defensive.
    @Test func damagedFilesNeverCrashTheReader() throws {
        let signer = try Signer()
        var generator = SystemRandomNumberGenerator()
        var refused = 0, signed = 0
        for name in ["fpdf2-classic-xref.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf", "signed-once-by-another-ca.pdf"] {
            let original = try Self.document(name)
            for round in 0..<150 {
                var damaged = original
                if round % 3 == 0 {
                    damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &generator)))
                } else {
                    for _ in 0..<Int.random(in: 1...8, using: &generator) {
                        damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                    }
                }
                do {
                    _ = try signer.sign(damaged)
                    signed += 1
                } catch is PDFError {
                    refused += 1
                }
            }
        }
        #expect(refused + signed == 600 && refused > 0)
    }
}
