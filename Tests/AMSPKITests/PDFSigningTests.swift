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
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/pdf-corpus")
    static let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Signing/pyhanko_validate.py").path

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

        func sign(_ pdf: [UInt8], field: String = "AMS1") throws -> [UInt8] {
            let cades = CAdESSigner(certificate: try certificate.derBytes, key: key, chain: [hierarchy.issuing.der])
            return try PDFIncrementalSigner().sign(pdf, details: .init(signingTime: hierarchy.now, signerName: "Siti Rahmawati",
                                                                       reason: "Menyetujui dokumen", location: "Padang", fieldName: field)) { parts in
                try cades.sign(digest: key.digest(parts: parts)) { request in
                    try tsa.token(for: request, at: hierarchy.now, serial: SerialNumberGenerator().next())
                }.cms
            }
        }
    }

    static func validate(_ pdf: [UInt8], roots: [String]) throws -> [String] {
        let folder = try ScratchFolder("ams-pades")
        defer { folder.remove() }
        let path = try folder.write("signed.pdf", pdf)
        let output = try ExternalTool.run(["python3", validator, path] + roots)
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    static func document(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
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
        let theirs = Self.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt").path
        let lines = try Self.validate(signed, roots: [ours, theirs])
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("intact=True valid=True trusted=True") }, "\(lines)")
    }

    @Test func whatCannotBeSignedIsRefusedWithItsReason() throws {
        let signer = try Signer()
        #expect(throws: PDFError.notAPDF) { try signer.sign(try Self.document("not-a-pdf.pdf")) }
        #expect(throws: PDFError.encrypted) { try signer.sign(try Self.document("encrypted-user-password-rahasia.pdf")) }
        #expect(throws: PDFError.notAPDF) { try signer.sign(Array("plain text, not a PDF at all".utf8)) }
    }
}
