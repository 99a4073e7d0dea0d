import Foundation

/// What an installation shows of its certificate authority on every page and in every mail: the authority's name
/// beside AMS's, a helpdesk contact, and its own logo (`AMS_BRAND_NAME`, `AMS_HELPDESK`, `AMS_BRAND_LOGO_FILE`).
public struct Branding: Sendable, Equatable {
    /// E.g. `BSrE — Balai Besar Sertifikasi Elektronik`; nil: AMS's own name only.
    public var authorityName: String?
    /// One line: where people get help (e-mail, telephone, hours).
    public var helpdesk: String?
    /// The logo, read once at start (PNG or SVG, at most ``logoLimit`` bytes); nil: the built-in one.
    public var logo: Logo?

    public struct Logo: Sendable, Equatable {
        public let bytes: [UInt8]
        /// `image/png` or `image/svg+xml`, from the file's content.
        public let contentType: String
    }

    public static let logoLimit = 200 * 1024

    public init(authorityName: String? = nil, helpdesk: String? = nil, logo: Logo? = nil) {
        self.authorityName = authorityName
        self.helpdesk = helpdesk
        self.logo = logo
    }

    /// Reads the settings; a name or contact with control characters or too long, or a logo that is not a PNG or
    /// SVG of at most 200 KB, is refused by name.
    static func fromEnvironment(_ value: (String) -> String?) throws -> Branding {
        func line(_ key: String, limit: Int) throws -> String? {
            guard let text = value(key) else { return nil }
            guard text.count <= limit, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ConfigurationError("\(key) must be one line of at most \(limit) characters")
            }
            return text
        }
        var branding = Branding(authorityName: try line("AMS_BRAND_NAME", limit: 100), helpdesk: try line("AMS_HELPDESK", limit: 200))
        if let path = value("AMS_BRAND_LOGO_FILE") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("AMS_BRAND_LOGO_FILE (\(path)) cannot be read")
            }
            guard data.count <= logoLimit, let type = Self.imageType(Array(data)) else {
                throw ConfigurationError("AMS_BRAND_LOGO_FILE must be a PNG or SVG image of at most 200 KB")
            }
            branding.logo = Logo(bytes: Array(data), contentType: type)
        }
        return branding
    }

    /// The image type by content: the PNG signature, or SVG markup.
    static func imageType(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if (head.hasPrefix("<svg") || head.hasPrefix("<?xml")) && head.contains("<svg") { return "image/svg+xml" }
        return nil
    }
}
