import AMSPKI
import AMSTestTools
import Foundation
import Testing
import X509

/// AMS's own verification of PDF signatures: its verdict agrees with pyHanko's on the corpus, and each known attack on
/// PDF signatures — universal signature forgery, signature wrapping, incremental saving and shadow attacks — is
/// flagged, while what may follow a signature (another signature, filled form fields) is told apart.
@Suite("Verifying PDF signatures: verdicts and attacks")
struct PDFVerificationTests {
    typealias Signer = PDFSigningTests.Signer

    static func verifier(_ signer: Signer, extraRoots: [Certificate] = [],
                         revocation: @escaping @Sendable (Certificate) async -> SignatureVerification.Revocation = { _ in .good }) -> PDFSignatureVerifier {
        PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate] + extraRoots, revocation: revocation)
    }

    /// `pdf` with an incremental update (classic cross-reference) that writes `objects` (number, body).
    static func appendUpdate(_ pdf: [UInt8], _ objects: [(Int, String)]) throws -> [UInt8] {
        let document = try PDFDocument(pdf)
        var out = pdf
        var offsets: [(Int, Int)] = []
        for (number, body) in objects {
            offsets.append((number, out.count))
            out += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n".utf8)
        for (number, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            out += Array("\(number) 1\n".utf8) + Array(String(format: "%010d 00000 n\r\n", offset).utf8)
        }
        let size = max(document.size, (objects.map(\.0).max() ?? 0) + 1)
        out += Array("trailer\n<< /Size \(size) /Root \(document.catalogNumber) 0 R /Prev \(document.lastCrossReference) >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    @Test(arguments: ["fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf",
                      "form-fields-and-empty-signature-field.pdf"])
    func aDocumentSignedByAMSPassesAndPyHankoAgrees(name: String) async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document(name))
        let results = try await Self.verifier(signer).verify(signed, now: Date())
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result.indication == .totalPassed && result.subIndication == nil, "\(result.notes)")
        #expect(result.integrity && result.signatureValid && result.trusted && result.coversWholeFile && result.modification == .none)
        #expect(result.isTimestamped && result.keyUsageFitForSigning && result.chain.count == 3)
        #expect(result.reason == "Menyetujui dokumen" && result.location == "Padang")
        let folder = try ScratchFolder("ams-verify")
        defer { folder.remove() }
        let verdict = try SigningFixtures.pyHankoVerdict(signed, rootPaths: [try folder.write("root.pem", signer.hierarchy.rootPEM)])
        #expect(verdict.stdout.contains("intact=True valid=True trusted=True"), "\(verdict.combined)")
    }

    @Test func aForeignSignatureIsJudgedByItsTrustAnchorAndPyHankoAgrees() async throws {
        let signer = try Signer()
        let document = try SigningFixtures.document("signed-once-by-another-ca.pdf")
        let rootPath = SigningFixtures.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt").path
        let foreignRoot = try Certificate(pemEncoded: try String(contentsOfFile: rootPath, encoding: .utf8))
        // with its root trusted: intact, valid, trusted; its revocation unknown to AMS, so not more than INDETERMINATE
        let trusted = try #require(try await Self.verifier(signer, extraRoots: [foreignRoot], revocation: { _ in .unknown })
            .verify(document, now: Date()).first)
        #expect(trusted.integrity && trusted.signatureValid && trusted.trusted)
        #expect(trusted.indication == .indeterminate && trusted.subIndication == .tryLater)
        let withRoot = try SigningFixtures.pyHankoVerdict(document, rootPaths: [rootPath])
        #expect(withRoot.stdout.contains("intact=True valid=True trusted=True"), "\(withRoot.combined)")
        // without it: no chain, and pyHanko does not trust it either
        let untrusted = try #require(try await Self.verifier(signer).verify(document, now: Date()).first)
        #expect(untrusted.integrity && untrusted.signatureValid && !untrusted.trusted && untrusted.subIndication == .noCertificateChainFound)
        let folder = try ScratchFolder("ams-verify")
        defer { folder.remove() }
        let withoutRoot = try SigningFixtures.pyHankoVerdict(document, rootPaths: [try folder.write("root.pem", signer.hierarchy.rootPEM)])
        #expect(withoutRoot.stdout.contains("trusted=False"), "\(withoutRoot.combined)")
    }

    @Test func aSecondSignatureAndFilledFormFieldsMayFollowAndAreNamed() async throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("form-fields-and-empty-signature-field.pdf")
        let once = try signer.sign(original, field: "Pertama")
        let twice = try Signer().sign(once, field: "Kedua")
        let results = try await Self.verifier(signer, extraRoots: []).verify(twice, now: Date())
        #expect(results.count == 2 && results[0].fieldName == "Pertama" && results[0].modification == .signatures && !results[0].coversWholeFile)
        #expect(results[0].integrity && results[0].signatureValid)
        // a text field filled after the signature: form filling
        let document = try PDFDocument(once)
        let form = try #require(try document.resolve(try document.object(document.catalogNumber)["AcroForm"]))
        guard case .array(let fields)? = try document.resolve(form["Fields"]) else { Issue.record("no fields"); return }
        let text = try #require(fields.compactMap(\.referenceNumber).first { (try? document.object($0))?["FT"]?.nameValue == "Tx" })
        let filledField = try document.object(text).setting("V", to: .text("Budi Santoso"))
        let filled = try Self.appendUpdate(once, [(text, String(decoding: filledField.serialized, as: UTF8.self))])
        let verdict = try #require(try await Self.verifier(signer).verify(filled, now: Date()).first)
        #expect(verdict.modification == .formFilling && verdict.indication == .totalPassed)
    }

    @Test func incrementalSavingAndShadowAttacksAreFlagged() async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        let document = try PDFDocument(signed)
        let page = try document.pages()[0]
        // incremental saving: the page now shows another content stream
        let newContent = "<< /Length 45 >>\nstream\nBT /F1 24 Tf 100 700 Td (LUNAS DIBAYAR) Tj ET\nendstream"
        let replacedPage = try document.object(page).setting("Contents", to: .reference(number: 100, generation: 0))
        let isa = try Self.appendUpdate(signed, [(100, newContent), (page, String(decoding: replacedPage.serialized, as: UTF8.self))])
        let isaVerdict = try #require(try await Self.verifier(signer).verify(isa, now: Date()).first)
        #expect(isaVerdict.modification == .other && isaVerdict.integrity, "the signed revision itself is intact, what follows is not allowed")
        // shadow "replace": an object the signed revision already had (the font) rewritten afterwards
        let font = try #require(try document.resolve(try document.resolve(try document.object(page)["Resources"])?["Font"])?["F1"]?.referenceNumber)
        let shadow = try Self.appendUpdate(signed, [(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")])
        #expect(try await Self.verifier(signer).verify(shadow, now: Date()).first?.modification == .other)
        // an annotation that is not a signature widget laid over the page (shadow "hide")
        let annotated = try document.object(page).setting("Annots", to: .array([.reference(number: 101, generation: 0)]))
        let hide = try Self.appendUpdate(signed, [(101, "<< /Type /Annot /Subtype /FreeText /Rect [0 0 595 842] /Contents (BATAL) >>"),
                                                  (page, String(decoding: annotated.serialized, as: UTF8.self))])
        #expect(try await Self.verifier(signer).verify(hide, now: Date()).first?.modification == .other)
    }

    @Test func forgedByteRangesWrappedSignaturesAndChangedBytesAreRefused() async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        let text = String(decoding: signed, as: UTF8.self)
        let match = try #require(text.range(of: #"/ByteRange \[0 \d+ \d+ \d+ *\]"#, options: .regularExpression))
        let numbers = text[match].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        func withByteRange(_ values: [Int]) -> [UInt8] {
            var body = "/ByteRange [" + values.map(String.init).joined(separator: " ")
            body += String(repeating: " ", count: max(0, text[match].count - body.count - 1)) + "]"
            var copy = signed
            let start = text.utf8.distance(from: text.startIndex, to: match.lowerBound)
            copy.replaceSubrange(start..<(start + body.utf8.count), with: Array(body.utf8))
            return copy
        }
        // universal signature forgery: a ByteRange that leaves more than /Contents unsigned
        let forged = try #require(try await Self.verifier(signer).verify(withByteRange([0, numbers[1] - 40, numbers[2], numbers[3]]), now: Date()).first)
        #expect(forged.indication == .totalFailed && forged.subIndication == .formatFailure && !forged.integrity)
        // signature wrapping: the gap moved off this dictionary's /Contents
        let wrapped = try #require(try await Self.verifier(signer).verify(withByteRange([0, 20, 40, signed.count - 40]), now: Date()).first)
        #expect(wrapped.indication == .totalFailed && wrapped.subIndication == .formatFailure)
        // a signed byte changed: the digest fails
        var changed = signed
        let target = try #require(text.range(of: "SURAT KETERANGAN"))
        changed[text.utf8.distance(from: text.startIndex, to: target.lowerBound)] = UInt8(ascii: "X")
        let hash = try #require(try await Self.verifier(signer).verify(changed, now: Date()).first)
        #expect(hash.indication == .totalFailed && hash.subIndication == .hashFailure)
        // /Contents emptied: not a signature at all
        let hexStart = numbers[1] + 1
        var emptied = signed
        emptied.replaceSubrange(hexStart..<(numbers[2] - 1), with: [UInt8](repeating: UInt8(ascii: "0"), count: numbers[2] - 1 - hexStart))
        #expect(try await Self.verifier(signer).verify(emptied, now: Date()).first?.subIndication == .formatFailure)
    }

    @Test func revocationCountsFromTheProvenSigningTime() async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        // revoked after the time-stamp: still passed; revoked before it: REVOKED
        let after = try #require(try await Self.verifier(signer, revocation: { _ in .revoked(at: Date().addingTimeInterval(3600)) })
            .verify(signed, now: Date().addingTimeInterval(7200)).first)
        #expect(after.indication == .totalPassed, "\(after.notes)")
        let before = try #require(try await Self.verifier(signer, revocation: { _ in .revoked(at: signer.hierarchy.now.addingTimeInterval(-1)) })
            .verify(signed, now: Date()).first)
        #expect(before.indication == .indeterminate && before.subIndication == .revoked)
    }
}

/// The verdict table against pyHanko's validator: for the corpus signed by AMS, the foreign signature, a second
/// signature, a filled form field, B-LT and B-LTA (a DSS and a document time-stamp after the signature), and each
/// attack vector, AMS and pyHanko agree on intact/valid, trusted and whether what followed the signature is allowed.
@Suite("Verifying PDF signatures: AMS's verdict beside pyHanko's")
struct PDFVerificationTableTests {
    typealias Signer = PDFSigningTests.Signer

    struct Row {
        let name: String
        let document: [UInt8]
    }

    static func vectors(_ signer: Signer) throws -> [Row] {
        var rows: [Row] = []
        for name in ["fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf",
                     "marker-on-last-page.pdf", "form-fields-and-empty-signature-field.pdf"] {
            rows.append(Row(name: name, document: try signer.sign(try SigningFixtures.document(name))))
        }
        rows.append(Row(name: "signed-once-by-another-ca.pdf", document: try SigningFixtures.document("signed-once-by-another-ca.pdf")))
        let base = rows[0].document
        rows.append(Row(name: "signed twice", document: try signer.sign(base, field: "Kedua")))
        let document = try PDFDocument(base)
        let page = try document.pages()[0]
        let replaced = try document.object(page).setting("Contents", to: .reference(number: 100, generation: 0))
        rows.append(Row(name: "incremental saving attack", document: try PDFVerificationTests.appendUpdate(base, [
            (100, "<< /Length 45 >>\nstream\nBT /F1 24 Tf 100 700 Td (LUNAS DIBAYAR) Tj ET\nendstream"),
            (page, String(decoding: replaced.serialized, as: UTF8.self)),
        ])))
        var changed = base
        changed[200] ^= 0x01
        rows.append(Row(name: "a signed byte changed", document: changed))
        let lt = try LongTermValidationTests.validationData(signer, at: Date()).append(to: base)
        rows.append(Row(name: "B-LT", document: lt))
        rows.append(Row(name: "B-LTA", document: try LongTermValidationTests.documentTimestamp(lt, tsa: signer.tsa, at: Date())))
        return rows
    }

    @Test func amsAndPyHankoAgreeOnEveryVector() async throws {
        let signer = try Signer()
        let folder = try ScratchFolder("ams-verify-table")
        defer { folder.remove() }
        let foreignRoot = SigningFixtures.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt").path
        let roots = [try folder.write("root.pem", signer.hierarchy.rootPEM), foreignRoot]
        let verifier = PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate,
                                                         try Certificate(pemEncoded: try String(contentsOfFile: foreignRoot, encoding: .utf8))]) { _ in .good }
        for row in try Self.vectors(signer) {
            let ours = try await verifier.verify(row.document, now: Date())
            let output = try SigningFixtures.pyHankoVerdict(row.document, rootPaths: roots)
            let theirs = output.stdout.split(separator: "\n").map(String.init)
            #expect(ours.count == theirs.count, "\(row.name): \(ours.count) vs \(theirs) \(output.stderr.suffix(300))")
            for (mine, line) in zip(ours, theirs) {
                let intactAndValid = line.contains("intact=True") && line.contains("valid=True")
                #expect((mine.integrity && mine.signatureValid) == intactAndValid, "\(row.name) \(mine.fieldName): intact/valid \(line)")
                #expect((mine.kind == .documentTimestamp) == line.contains("document-timestamp"), "\(row.name) \(mine.fieldName): kind \(line)")
                if intactAndValid {
                    #expect(mine.trusted == line.contains("trusted=True"), "\(row.name) \(mine.fieldName): trusted \(line)")
                    guard mine.kind != .documentTimestamp else { continue }
                    // pyHanko's modification levels: NONE, LTA_UPDATES and FORM_FILLING are what may follow a signature
                    let allowed = ["modification=NONE", "modification=LTA_UPDATES", "modification=FORM_FILLING"].contains { line.contains($0) }
                    #expect((mine.modification != .other) == allowed, "\(row.name) \(mine.fieldName): modification \(mine.modification) vs \(line)")
                }
            }
        }
    }
}
