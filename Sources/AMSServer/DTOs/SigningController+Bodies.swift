import AMSCore
import AMSPKI
import Vapor

/// The forms of ``SigningController``.
extension SigningController {
    struct CodeForm: Content {
        var documentCount: Int?
    }

    struct SignForm: Content {
        var documents: [File]?
        var passphrase: String?
        var code: String?
        var reason: String?
        var location: String?
        /// `B-T` (default), `B-LT` or `B-LTA`.
        var level: String?
        /// `invisible` or `visible`.
        var appearance: String?
        /// A corner (`bottom-right` …), `marker` or `custom`.
        var position: String?
        var page: String?
        var marker: String?
        var x: String?
        var y: String?
        var width: String?
        var height: String?
        /// Whether a visible signature carries the QR code of its record page.
        var qr: String?
        var specimen: File?
        /// A random word the page's script sets; the download answers with it in a cookie.
        var downloadToken: String?

        /// The visible signature the form asks for, or nil for an invisible one; unreadable numbers, an unknown position
        /// and a specimen that is not a PNG or JPEG are refused with the field they concern.
        func visible(locale: AppLocale, timeZone: AgencyTimeZone) throws -> SigningService.Visible? {
            guard appearance == "visible" else { return nil }
            func number(_ text: String?, _ field: String) throws -> Double {
                guard let value = Double((text ?? "").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)),
                      value.isFinite, value >= 0, value <= 14_400 else { throw ValidationError([field: "error_sign_number"]) }
                return value
            }
            let size = SigningService.defaultVisibleSize
            let chosenPage = (page ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : Int(try number(page, "page"))
            let placement: SignatureAppearance.Placement
            switch position ?? "bottom-right" {
            case "marker":
                let text = (marker ?? "").trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty, text.count <= 80 else { throw ValidationError(["marker": "error_sign_marker_required"]) }
                placement = .marker(text, width: size.width, height: size.height)
            case "custom":
                placement = .rectangle(page: chosenPage ?? 1, x: try number(x, "x"), y: try number(y, "y"),
                                       width: try number(width, "width"), height: try number(height, "height"))
            case let name:
                guard let corner = SignatureAppearance.Corner(rawValue: name) else { throw ValidationError(["position": "error_sign_position"]) }
                placement = .corner(corner, page: chosenPage, width: size.width, height: size.height)
            }
            var image: SpecimenImage?
            if let file = specimen, file.data.readableBytes > 0 {
                do {
                    image = try SpecimenImage(Array(file.data.readableBytesView))
                } catch {
                    throw ValidationError(fields: ["specimen": .init("error_sign_specimen", ["kb": String(SpecimenImage.maximumBytes >> 10)])])
                }
            }
            return SigningService.Visible(placement: placement, specimen: image, qrCode: qr != nil, link: nil, locale: locale, timeZone: timeZone)
        }
    }
}
