import AMSCore
import AMSPKI
import Foundation

/// A signature's properties as both API families send them (v1's form fields, v2's `signatureProperties`), turned
/// into what the signing service takes: invisible, or visible at a text marker (`tag_koordinat`) or at a box on a
/// page, with the specimen image or a QR code. Anything unclear is refused naming the field, never guessed.
struct ESignAppearanceRequest: Sendable {
    var tampilan: String?
    var page: Double?
    var x: Double?
    var y: Double?
    var width: Double?
    var height: Double?
    var marker: String?
    /// The specimen image's bytes, when the caller sends one (then no QR code: the national API's `image=true`).
    var specimen: [UInt8]?
    /// The QR code's link (`linkQR`); nil: the signature's own record page.
    var link: String?
    /// The field names this family uses, for the messages (`xAxis` in v1, `originX` in v2 …).
    var names: (x: String, y: String, specimen: String) = ("xAxis", "yAxis", "imageTTD")

    /// Where a marker's box goes when the caller gives no size, in points.
    static let markerSize = SigningService.defaultVisibleSize

    func visible(locale: AppLocale, timeZone: AgencyTimeZone) throws -> SigningService.Visible? {
        switch (tampilan ?? "invisible").lowercased() {
        case "invisible", "": return nil
        case "visible": break
        default: throw ESignError.invalid("tampilan: visible or invisible.")
        }
        let placement: SignatureAppearance.Placement
        let box = [x, y, width, height]
        if let marker = marker?.trimmingCharacters(in: .whitespaces), !marker.isEmpty {
            guard marker.count <= 80 else { throw ESignError.invalid("tag_koordinat: at most 80 characters.") }
            placement = .marker(marker, width: width ?? Self.markerSize.width, height: height ?? Self.markerSize.height)
        } else if box.allSatisfy({ $0 != nil }) {
            let pageNumber = page.map { Int($0) } ?? 1
            guard pageNumber >= 1 else { throw ESignError.invalid("page: a page number from 1.") }
            placement = .rectangle(page: pageNumber, x: x!, y: y!, width: width!, height: height!)
        } else if box.allSatisfy({ $0 == nil }) {
            throw ESignError.invalid("A visible signature needs tag_koordinat, or \(names.x), \(names.y), width and height "
                                     + "(PDF points from the page's lower-left corner).")
        } else {
            let missing = zip([names.x, names.y, "width", "height"], box).filter { $0.1 == nil }.map(\.0)
            throw ESignError.invalid("Missing \(missing.joined(separator: ", ")): a box needs \(names.x), \(names.y), width and height.")
        }
        var image: SpecimenImage?
        if let specimen {
            do {
                image = try SpecimenImage(specimen)
            } catch {
                throw ESignError.invalid("\(names.specimen): the specimen must be a PNG (8-bit, not interlaced) or a JPEG of at most "
                                         + "\(SpecimenImage.maximumBytes >> 10) KB.")
            }
        }
        if let link {
            guard link.utf8.count <= 200, let url = URL(string: link), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw ESignError.invalid("linkQR: an http or https link of at most 200 characters.")
            }
        }
        return SigningService.Visible(placement: placement, specimen: image, qrCode: image == nil, link: link, locale: locale, timeZone: timeZone)
    }
}
