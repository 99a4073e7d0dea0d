import AMSPKI
import AMSTestTools
import Foundation
import Testing

/// Visible signatures: placed at a page and rectangle or at a text marker, drawn with a QR code, a specimen image
/// and text — pyHanko validates them and finds the widget where it was asked for, Ghostscript renders the drawing
/// inside that box only, and zbar reads the QR code back from the rendered page.
@Suite("Visible signatures: placement, QR code, specimen image")
struct VisibleSignatureTests {
    typealias Signer = PDFSigningTests.Signer
    static let link = "https://ams.example.go.id/v/0f6c1f8e-5d0b-4d43-9a57-2b1d7b0e4c11"
    static let lines = ["Ditandatangani secara elektronik oleh", "Siti Rahmawati", "2026-12-01 14:30 WIB"]

    static func verdict(_ signed: [UInt8], _ signer: Signer) throws -> [String] {
        let folder = try ScratchFolder("ams-root")
        defer { folder.remove() }
        let output = try SigningFixtures.pyHankoVerdict(signed, rootPaths: [try folder.write("root.pem", signer.hierarchy.rootPEM)])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// The pixels (at 72 dpi, so one per point) that differ between two renderings of a page, as PDF points with the
    /// origin at the bottom-left.
    static func changedPoints(_ before: [UInt8], _ after: [UInt8], page: Int) throws -> [(x: Int, y: Int)] {
        let old = try SigningFixtures.render(before, page: page), new = try SigningFixtures.render(after, page: page)
        #expect(old.width == new.width && old.height == new.height)
        var points: [(x: Int, y: Int)] = []
        for index in 0..<min(old.pixels.count, new.pixels.count) where abs(Int(old.pixels[index]) - Int(new.pixels[index])) > 40 {
            points.append((index % new.width, new.height - 1 - index / new.width))
        }
        return points
    }

    @Test func aSignatureAtAPageAndRectangleCarriesAReadableQRCodeAndIsDrawnOnlyInItsBox() throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("reportlab-12-pages.pdf")
        let appearance = SignatureAppearance(placement: .rectangle(page: 3, x: 300, y: 100, width: 220, height: 90),
                                             qrPayload: Array(Self.link.utf8), lines: Self.lines)
        // act
        let signed = try signer.sign(original, appearance: appearance)
        // check: valid and trusted, the widget on page 3 at the rectangle, with an appearance
        let lines = try Self.verdict(signed, signer)
        #expect(lines.count == 1 && lines[0].contains("intact=True valid=True trusted=True") && lines[0].contains("timestamp=trusted"), "\(lines)")
        #expect(lines.first?.hasSuffix("page=3 rect=300,100,520,190 appearance=yes") == true, "\(lines)")
        // drawn: many changed pixels, all inside the box; nothing changed on another page
        let changed = try Self.changedPoints(original, signed, page: 3)
        #expect(changed.count > 500)
        #expect(changed.allSatisfy { (299...521).contains($0.x) && (99...191).contains($0.y) }, "\(changed.prefix(5))")
        #expect(try Self.changedPoints(original, signed, page: 1).isEmpty)
        // zbar reads the link back from the rendered page
        #expect(try SigningFixtures.qrCodes(in: signed, page: 3) == [Self.link])
    }

    @Test func aSignatureAtATextMarkerLandsOnTheMarkersPageAndLine() throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("marker-on-last-page.pdf")
        let appearance = SignatureAppearance(placement: .marker("#ttd_kepala#", width: 180, height: 70),
                                             qrPayload: Array(Self.link.utf8), lines: Self.lines)
        let signed = try signer.sign(original, appearance: appearance)
        let lines = try Self.verdict(signed, signer)
        #expect(lines.count == 1 && lines[0].contains("intact=True valid=True trusted=True"), "\(lines)")
        // the marker is printed at (31.18, 651.20) in 12 pt on page 2: the box starts there, centred on the line
        #expect(lines.first?.hasSuffix("page=2 rect=31.18,620.2,211.18,690.2 appearance=yes") == true, "\(lines)")
        #expect(try SigningFixtures.qrCodes(in: signed, page: 2) == [Self.link])
    }

    @Test(arguments: ["specimen-alpha.png", "specimen-opaque.png", "specimen.jpg"])
    func aSpecimenImageIsDrawnInTheSignaturesBox(name: String) throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("fpdf2-classic-xref.pdf")
        let image = try SpecimenImage(try SigningFixtures.specimen(name))
        #expect(image.width == 240 && image.height == 90)
        let appearance = SignatureAppearance(placement: .rectangle(page: 1, x: 320, y: 120, width: 240, height: 120), image: image, lines: Self.lines)
        let signed = try signer.sign(original, appearance: appearance)
        let lines = try Self.verdict(signed, signer)
        #expect(lines.count == 1 && lines[0].contains("intact=True valid=True trusted=True") && lines[0].hasSuffix("appearance=yes"), "\(lines)")
        // the stroke of the specimen is dark blue: many pixels in the box's upper half (the image), none outside
        let changed = try Self.changedPoints(original, signed, page: 1)
        #expect(changed.filter { $0.y > 190 }.count > 300, "\(name): \(changed.count) changed")
        #expect(changed.allSatisfy { (319...561).contains($0.x) && (119...241).contains($0.y) })
    }

    @Test func theDocumentsEmptyFieldTakesTheAppearanceAtItsOwnPlace() throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("form-fields-and-empty-signature-field.pdf")
        let appearance = SignatureAppearance(placement: .rectangle(page: 1, x: 10, y: 10, width: 100, height: 50),
                                             qrPayload: Array(Self.link.utf8), lines: Self.lines)
        let signed = try signer.sign(original, field: "ttd_kepala_dinas", appearance: appearance)
        let lines = try Self.verdict(signed, signer)
        #expect(lines.count == 1 && lines[0].hasPrefix("ttd_kepala_dinas intact=True valid=True") && lines[0].hasSuffix("appearance=yes"), "\(lines)")
        #expect(lines.first?.contains("page=1 rect=350,60,550,140 appearance=yes") == true, "the field keeps its own place: \(lines)")
    }

    @Test(arguments: SignatureAppearance.Corner.allCases)
    func aCornerPlacementGoesHalfAnInchFromTheLastPagesEdges(corner: SignatureAppearance.Corner) throws {
        let signer = try Signer()
        // reportlab's pages are A4 (595.2756 x 841.8898)
        let signed = try signer.sign(try SigningFixtures.document("reportlab-12-pages.pdf"),
                                     appearance: SignatureAppearance(placement: .corner(corner, page: nil, width: 200, height: 80), lines: Self.lines))
        let expected = switch corner {
        case .bottomRight: "rect=359.28,36,559.28,116"
        case .bottomLeft: "rect=36,36,236,116"
        case .topRight: "rect=359.28,725.89,559.28,805.89"
        case .topLeft: "rect=36,725.89,236,805.89"
        }
        let lines = try Self.verdict(signed, signer)
        #expect(lines.first?.hasSuffix("page=12 \(expected) appearance=yes") == true, "\(lines)")
    }

    @Test func placementsThatCannotBeHonouredAreRefusedWithTheirReason() throws {
        let signer = try Signer()
        let original = try SigningFixtures.document("marker-on-last-page.pdf")
        func refusal(_ placement: SignatureAppearance.Placement) -> PDFError? {
            do {
                _ = try signer.sign(original, appearance: SignatureAppearance(placement: placement, lines: Self.lines))
                return nil
            } catch { return error as? PDFError }
        }
        #expect(refusal(.marker("#ttd_sekretaris#", width: 150, height: 60)) == .markerNotFound("#ttd_sekretaris#"))
        #expect(refusal(.rectangle(page: 3, x: 10, y: 10, width: 100, height: 50)) == .noSuchPage(3, pages: 2))
        #expect(refusal(.rectangle(page: 0, x: 10, y: 10, width: 100, height: 50)) == .noSuchPage(0, pages: 2))
        #expect(refusal(.rectangle(page: 1, x: 500, y: 10, width: 200, height: 50)) == .outsidePage)
        #expect(refusal(.rectangle(page: 1, x: 10, y: 10, width: 5, height: 50)) == .outsidePage)
        #expect(refusal(.corner(.topLeft, page: 4, width: 100, height: 50)) == .noSuchPage(4, pages: 2))
        #expect(refusal(.corner(.topLeft, page: 1, width: 600, height: 50)) == .outsidePage)
    }

    @Test func imagesThatAreNotPNGOrJPEGAreRefused() throws {
        let pdf = try SigningFixtures.document("fpdf2-classic-xref.pdf")
        #expect(throws: SpecimenImage.Failure.notAnImage) { try SpecimenImage(pdf) }
        #expect(throws: SpecimenImage.Failure.tooLarge) { try SpecimenImage([UInt8](repeating: 0xFF, count: SpecimenImage.maximumBytes + 1)) }
        // a PNG whose header is cut short
        let png = try SigningFixtures.specimen("specimen-alpha.png")
        #expect(throws: SpecimenImage.Failure.self) { try SpecimenImage(Array(png.prefix(20))) }
    }
}
