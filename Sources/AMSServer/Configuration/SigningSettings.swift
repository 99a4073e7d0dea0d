import Foundation

/// Bounds and policy of document signing (`AMS_SIGN_*`).
public struct SigningSettings: Sendable, Equatable {
    /// The largest PDF accepted for signing (`AMS_SIGN_MAX_MB`, 20).
    public var maximumDocumentBytes: Int
    /// Holder keys opened at the same time (`AMS_SIGN_KEY_OPENINGS`, 4): each opening costs scrypt's 128 MiB, so
    /// this bounds the memory a burst of signing requests can take; the rest wait their turn.
    public var keyOpenings: Int
    /// Whether the key opens only with a second factor besides the passphrase (`AMS_SIGN_SECOND_FACTOR`, on).
    public var secondFactorRequired: Bool
    /// Where Debian's `libjs-pdf` keeps pdf.js (`AMS_PDFJS_DIR`), for the signing page's preview.
    public var pdfjsDirectory: String

    public init(maximumDocumentBytes: Int = 20 * 1024 * 1024, keyOpenings: Int = 4, secondFactorRequired: Bool = true,
                pdfjsDirectory: String = "/usr/share/javascript/pdf/build") {
        self.maximumDocumentBytes = maximumDocumentBytes
        self.keyOpenings = keyOpenings
        self.secondFactorRequired = secondFactorRequired
        self.pdfjsDirectory = pdfjsDirectory
    }
}
