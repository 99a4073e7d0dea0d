import Foundation

/// How a visible signature looks and where it goes: a rectangle on a page, or beside a text marker the document
/// prints (`tag_koordinat`); inside it the holder's specimen image and/or a QR code, and a few lines of text
/// ("Ditandatangani secara elektronik oleh …", the time) — the caller chooses the words.
public struct SignatureAppearance: Sendable {
    public enum Placement: Sendable, Equatable {
        /// Page (1-based) and rectangle in PDF points, origin at the page's lower-left corner.
        case rectangle(page: Int, x: Double, y: Double, width: Double, height: Double)
        /// Where the document shows `marker`: the box starts at the marker and is centred on its line.
        case marker(String, width: Double, height: Double)
        /// In a corner of a page (1-based; nil: the last page), half an inch from its edges.
        case corner(Corner, page: Int?, width: Double, height: Double)
    }

    public enum Corner: String, Sendable, CaseIterable {
        case bottomRight = "bottom-right", bottomLeft = "bottom-left", topRight = "top-right", topLeft = "top-left"
    }

    /// The distance of a corner placement from the page's edges, in points.
    public static let cornerMargin = 36.0

    public var placement: Placement
    public var image: SpecimenImage?
    /// What the QR code carries (a link), if the appearance has one.
    public var qrPayload: [UInt8]?
    public var lines: [String]

    /// The smallest side a visible signature may have, in points.
    public static let minimumSide = 20.0

    public init(placement: Placement, image: SpecimenImage? = nil, qrPayload: [UInt8]? = nil, lines: [String] = []) {
        self.placement = placement
        self.image = image
        self.qrPayload = qrPayload
        self.lines = lines
    }

    /// The page object and the rectangle `[x1 y1 x2 y2]` in the page's user space where the widget goes; a page
    /// that does not exist, a box off the page and a marker the document does not show are refused.
    public func place(in document: PDFDocument) throws -> (pageNumber: Int, rect: [Double]) {
        let pages = try document.pages()
        func box(of pageNumber: Int) throws -> [Double] {
            guard case .array(let items)? = try document.inherited("MediaBox", of: pageNumber) else { return [0, 0, 612, 792] }
            let values = items.compactMap { if case .number(let text) = $0 { Double(text) } else { nil } }
            guard values.count == 4 else { throw PDFError.damaged("page MediaBox") }
            return [min(values[0], values[2]), min(values[1], values[3]), max(values[0], values[2]), max(values[1], values[3])]
        }
        switch placement {
        case .rectangle(let page, let x, let y, let width, let height):
            guard (1...pages.count).contains(page) else { throw PDFError.noSuchPage(page, pages: pages.count) }
            let media = try box(of: pages[page - 1])
            let rect = [media[0] + x, media[1] + y, media[0] + x + width, media[1] + y + height]
            guard width >= Self.minimumSide, height >= Self.minimumSide, x >= 0, y >= 0, rect[2] <= media[2] + 0.5, rect[3] <= media[3] + 0.5 else {
                throw PDFError.outsidePage
            }
            return (pages[page - 1], rect)
        case .marker(let marker, let width, let height):
            guard width >= Self.minimumSide, height >= Self.minimumSide else { throw PDFError.outsidePage }
            guard let hit = try PDFTextLocator(document).find(marker) else { throw PDFError.markerNotFound(marker) }
            let media = try box(of: pages[hit.pageIndex])
            guard width <= media[2] - media[0], height <= media[3] - media[1] else { throw PDFError.outsidePage }
            // on the marker's line, kept on the page
            let x = min(max(hit.x, media[0]), media[2] - width)
            let y = min(max(hit.y + hit.fontSize / 3 - height / 2, media[1]), media[3] - height)
            return (pages[hit.pageIndex], [x, y, x + width, y + height])
        case .corner(let corner, let page, let width, let height):
            let index = page ?? pages.count
            guard (1...pages.count).contains(index) else { throw PDFError.noSuchPage(index, pages: pages.count) }
            let media = try box(of: pages[index - 1])
            let left = corner == .bottomLeft || corner == .topLeft, bottom = corner == .bottomLeft || corner == .bottomRight
            let x = left ? media[0] + Self.cornerMargin : media[2] - Self.cornerMargin - width
            let y = bottom ? media[1] + Self.cornerMargin : media[3] - Self.cornerMargin - height
            guard width >= Self.minimumSide, height >= Self.minimumSide, x >= media[0], y >= media[1], x + width <= media[2], y + height <= media[3] else {
                throw PDFError.outsidePage
            }
            return (pages[index - 1], [x, y, x + width, y + height])
        }
    }
}
