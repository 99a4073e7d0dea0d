import Foundation

/// Adds a signature to a PDF as an incremental update (ISO 32000-1 §7.5.6, §12.8): every earlier byte — and so every
/// earlier signature — stays as it was; appended are the signature dictionary (`/SubFilter /ETSI.CAdES.detached`,
/// `/ByteRange`, `/Contents` reserved and then filled), its widget (invisible on the first page, or visible with a
/// ``SignatureAppearance`` where it asks), the page and the AcroForm (or catalog) that now list it, and a
/// cross-reference section for them.
///
/// It updates files with classic cross-reference tables and with cross-reference and object streams (PDF 1.5+; the
/// update then ends in a cross-reference stream too), after any number of earlier updates or signatures; encrypted
/// files and certified "no changes" files are refused with their reason.
public struct PDFIncrementalSigner: Sendable {
    /// What the signature dictionary says besides the signature.
    public struct Details: Sendable {
        public var signingTime: Date
        public var signerName: String?
        public var reason: String?
        public var location: String?
        /// The signature field's name (`/T`), unique in the document.
        public var fieldName: String
        /// Where and how the signature shows; nil for an invisible signature.
        public var appearance: SignatureAppearance?

        public init(signingTime: Date, signerName: String? = nil, reason: String? = nil, location: String? = nil, fieldName: String,
                    appearance: SignatureAppearance? = nil) {
            self.signingTime = signingTime
            self.signerName = signerName
            self.reason = reason
            self.location = location
            self.fieldName = fieldName
            self.appearance = appearance
        }
    }

    /// Bytes reserved for the CMS in `/Contents` (written as twice as many hex digits).
    public static let reservedSignatureBytes = 24 * 1024

    public init() {}

    /// The signed document. `sign` gets the two parts `/ByteRange` covers and returns the DER CMS over them.
    public func sign(_ pdf: [UInt8], details: Details, sign: (_ signedParts: [ArraySlice<UInt8>]) throws -> [UInt8]) throws -> [UInt8] {
        var entries = Array(" /M ".utf8) + PDFObject.string(Array(Self.pdfDate(details.signingTime).utf8), hex: false).serialized
        for (key, value) in [("Name", details.signerName), ("Reason", details.reason), ("Location", details.location)] {
            if let value { entries += Array(" /\(key) ".utf8) + PDFObject.text(value).serialized }
        }
        return try write(pdf, head: "/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached", entries: entries,
                         fieldName: details.fieldName, appearance: details.appearance, sign: sign)
    }

    /// The document with a document time-stamp (PAdES, ETSI EN 319 142-1 §5.4: `/Type /DocTimeStamp`, `/SubFilter
    /// /ETSI.RFC3161`) in a new invisible field: `stamp` gets the parts `/ByteRange` covers and returns an RFC 3161
    /// TimeStampToken over their digest.
    public func timestamp(_ pdf: [UInt8], fieldName: String, stamp: (_ signedParts: [ArraySlice<UInt8>]) throws -> [UInt8]) throws -> [UInt8] {
        try write(pdf, head: "/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161", entries: [], fieldName: fieldName,
                  appearance: nil, sign: stamp)
    }

    private func write(_ pdf: [UInt8], head: String, entries: [UInt8], fieldName: String, appearance: SignatureAppearance?,
                       sign: (_ signedParts: [ArraySlice<UInt8>]) throws -> [UInt8]) throws -> [UInt8] {
        let document = try PDFDocument(pdf)
        let catalog = try document.object(document.catalogNumber)
        try Self.refuseIfCertifiedNoChanges(catalog, in: document)
        var update = PDFIncrementalUpdate(document)
        let signatureNumber = update.reserve()
        let signatureReference = PDFObject.reference(number: signatureNumber, generation: 0)
        if let field = try Self.emptySignatureField(named: fieldName, in: catalog, document: document) {
            // sign into the field the document already has: it takes the signature (and, when it has a size and a
            // visible signature is asked for, the appearance); the form says it is signed
            var object = field.object.setting("V", to: signatureReference)
            if let appearance, let size = Self.size(of: object["Rect"]) {
                let stream = try Self.appendAppearance(appearance, width: size.width, height: size.height, into: &update)
                object = object.setting("AP", to: .dictionary([("N", stream)]))
            }
            update.write(field.number, object.serialized)
            if case .reference(let number, _)? = catalog["AcroForm"] {
                update.write(number, try document.object(number).setting("SigFlags", to: .integer(3)).serialized)
            } else if let form = catalog["AcroForm"] {
                update.write(document.catalogNumber, catalog.setting("AcroForm", to: form.setting("SigFlags", to: .integer(3))).serialized)
            }
        } else {
            try addField(fieldName, appearance: appearance, signature: signatureReference, catalog: catalog, into: &update)
        }
        let byteRangePlaceholder = "[0 " + String(repeating: " ", count: 3 * 11) + "]"
        var signature = Array("<<\(head) /ByteRange ".utf8)
        let byteRangeAt = signature.count
        signature += Array(byteRangePlaceholder.utf8)
        signature += Array(" /Contents <".utf8)
        let contentsAt = signature.count - 1
        signature += [UInt8](repeating: UInt8(ascii: "0"), count: Self.reservedSignatureBytes * 2)
        signature += Array(">".utf8) + entries + Array(">>".utf8)
        update.write(signatureNumber, signature)
        var (out, bodies) = update.appended()
        let signatureObjectAt = bodies[signatureNumber]!

        // the byte range: everything but the hex digits of /Contents and their brackets
        let contentsStart = signatureObjectAt + contentsAt
        let contentsEnd = contentsStart + Self.reservedSignatureBytes * 2 + 2
        let byteRange = "[0 \(contentsStart) \(contentsEnd) \(out.count - contentsEnd)"
        let padded = byteRange + String(repeating: " ", count: byteRangePlaceholder.count - 1 - byteRange.count) + "]"
        out.replaceSubrange((signatureObjectAt + byteRangeAt)..<(signatureObjectAt + byteRangeAt + padded.utf8.count), with: Array(padded.utf8))
        let cms = try sign([out[0..<contentsStart], out[contentsEnd..<out.count]])
        guard cms.count <= Self.reservedSignatureBytes else { throw PDFError.signatureTooLarge }
        let hex = Array(cms.hexString.uppercased().utf8)
        out.replaceSubrange((contentsStart + 1)..<(contentsStart + 1 + hex.count), with: hex)
        return out
    }

    /// A new signature field: its widget (invisible on the first page, or visible where the appearance is placed),
    /// listed in the page's annotations and the AcroForm's fields.
    private func addField(_ fieldName: String, appearance: SignatureAppearance?, signature: PDFObject, catalog: PDFObject,
                          into update: inout PDFIncrementalUpdate) throws {
        let document = update.document
        var pageNumber = try document.pages()[0]
        var rect: [PDFObject] = Array(repeating: .integer(0), count: 4)
        var drawn: [(key: String, value: PDFObject)] = []
        let widgetNumber = update.reserve()
        let widget = PDFObject.reference(number: widgetNumber, generation: 0)
        if let appearance {
            let placed = try appearance.place(in: document)
            pageNumber = placed.pageNumber
            rect = placed.rect.map { .number(AppearanceStream.n($0)) }
            let stream = try Self.appendAppearance(appearance, width: placed.rect[2] - placed.rect[0], height: placed.rect[3] - placed.rect[1],
                                                   into: &update)
            drawn = [("AP", .dictionary([("N", stream)]))]
        }

        // the page lists the widget among its annotations
        let page = try document.object(pageNumber)
        switch page["Annots"] {
        case .reference(let number, _)?:
            guard case .array(let items) = try document.object(number) else { throw PDFError.damaged("page annotations") }
            update.write(number, PDFObject.array(items + [widget]).serialized)
        case .array(let items)?:
            update.write(pageNumber, page.setting("Annots", to: .array(items + [widget])).serialized)
        default:
            update.write(pageNumber, page.setting("Annots", to: .array([widget])).serialized)
        }

        // the AcroForm lists the field and says the document has signatures (SigFlags 3: signatures, append only)
        func withField(_ form: PDFObject) throws -> PDFObject {
            var form = form
            switch form["Fields"] {
            case .reference(let number, _)?:
                guard case .array(let items) = try document.object(number) else { throw PDFError.damaged("form fields") }
                update.write(number, PDFObject.array(items + [widget]).serialized)
            case .array(let items)?:
                form = form.setting("Fields", to: .array(items + [widget]))
            default:
                form = form.setting("Fields", to: .array([widget]))
            }
            return form.setting("SigFlags", to: .integer(3))
        }
        switch catalog["AcroForm"] {
        case .reference(let number, _)?:
            update.write(number, try withField(try document.object(number)).serialized)
        case .some(let form):
            update.write(document.catalogNumber, catalog.setting("AcroForm", to: try withField(form)).serialized)
        case nil:
            update.write(document.catalogNumber, catalog.setting("AcroForm", to: try withField(.dictionary([]))).serialized)
        }

        // the widget, then the signature dictionary with room for the CMS
        update.write(widgetNumber, PDFObject.dictionary([
            ("Type", .name("Annot")), ("Subtype", .name("Widget")), ("FT", .name("Sig")), ("Rect", .array(rect)),
            ("F", .integer(132)),  // printed, locked
        ] + drawn + [
            ("T", .text(fieldName)), ("V", signature),
            ("P", .reference(number: pageNumber, generation: document.generation(of: pageNumber))),
        ]).serialized)
    }

    /// Appends the appearance's form XObject (and its image with any soft mask) as new objects; returns a reference
    /// to the form.
    static func appendAppearance(_ appearance: SignatureAppearance, width: Double, height: Double,
                                 into update: inout PDFIncrementalUpdate) throws -> PDFObject {
        func append(_ entries: [(key: String, value: PDFObject)], _ data: [UInt8]) -> PDFObject { update.addStream(entries, data) }
        var resources: [(key: String, value: PDFObject)] = [("Font", .dictionary([(AppearanceStream.fontName, .dictionary([
            ("Type", .name("Font")), ("Subtype", .name("Type1")), ("BaseFont", .name("Helvetica")), ("Encoding", .name("WinAnsiEncoding")),
        ]))]))]
        if let image = appearance.image {
            var entries = image.color.entries
            if let mask = image.mask { entries.append(("SMask", append(mask.entries, mask.data))) }
            resources.append(("XObject", .dictionary([(AppearanceStream.imageName, append(entries, image.color.data))])))
        }
        let qr = try appearance.qrPayload.map { try QRCode($0) }
        let drawing = AppearanceStream(width: width, height: height, qr: qr, hasImage: appearance.image != nil,
                                       imageAspect: Double(appearance.image?.width ?? 1) / Double(appearance.image?.height ?? 1),
                                       lines: appearance.lines)
        return append([("Type", .name("XObject")), ("Subtype", .name("Form")),
                       ("BBox", .array([.integer(0), .integer(0), .number(AppearanceStream.n(width)), .number(AppearanceStream.n(height))])),
                       ("Resources", .dictionary(resources))], drawing.content)
    }

    /// A rectangle's width and height when it has an area.
    static func size(of rect: PDFObject?) -> (width: Double, height: Double)? {
        guard case .array(let items)? = rect, items.count == 4 else { return nil }
        let values = items.compactMap { if case .number(let text) = $0 { Double(text) } else { nil } }
        guard values.count == 4 else { return nil }
        let width = abs(values[2] - values[0]), height = abs(values[3] - values[1])
        return width >= 1 && height >= 1 ? (width, height) : nil
    }

    /// The document's own empty signature field called `name` (and its object number), if it has one; a field of
    /// that name that is already signed is refused.
    static func emptySignatureField(named name: String, in catalog: PDFObject, document: PDFDocument) throws -> (number: Int, object: PDFObject)? {
        guard let form = try document.resolve(catalog["AcroForm"]), case .array(let fields)? = try document.resolve(form["Fields"]) else { return nil }
        for field in fields {
            guard let number = field.referenceNumber else { continue }
            let object = try document.object(number)
            guard object["T"]?.textValue == name, object["FT"]?.nameValue == "Sig" else { continue }
            guard object["V"] == nil || object["V"] == .null else { throw PDFError.fieldAlreadySigned(name) }
            return (number, object)
        }
        return nil
    }

    /// `D:YYYYMMDDHHmmSS+00'00'` in UTC.
    static func pdfDate(_ date: Date) -> String {
        let c = Calendar.gregorianUTC.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "D:%04d%02d%02d%02d%02d%02d+00'00'", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// A document certified with DocMDP permission 1 (no changes allowed) cannot take another signature.
    static func refuseIfCertifiedNoChanges(_ catalog: PDFObject, in document: PDFDocument) throws {
        guard let perms = try document.resolve(catalog["Perms"]), let docMDP = try document.resolve(perms["DocMDP"]),
              case .array(let references)? = try document.resolve(docMDP["Reference"]) else { return }
        for reference in references {
            guard let entry = try document.resolve(reference), entry["TransformMethod"]?.nameValue == "DocMDP" else { continue }
            if try document.resolve(entry["TransformParams"])?["P"]?.integerValue == 1 { throw PDFError.noChangesAllowed }
        }
    }
}
