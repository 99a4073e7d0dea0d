/// Why a PDF cannot be signed, in words a person can act on.
public enum PDFError: Error, Sendable, Equatable {
    /// Not a PDF at all (no header, or no readable cross-reference).
    case notAPDF
    /// The file's structure is broken beyond its cross-reference (an object is missing or unreadable).
    case damaged(String)
    /// Encrypted with a password.
    case encrypted
    /// A structure AMS cannot update yet.
    case unsupported(String)
    /// Certified with "no changes allowed" (DocMDP P=1).
    case noChangesAllowed
    /// Larger than the configured limit.
    case tooLarge(limit: Int)
    /// The named signature field holds a signature already.
    case fieldAlreadySigned(String)
    /// The signature did not fit the space reserved for it.
    case signatureTooLarge
    /// A visible signature asked for a page the document does not have.
    case noSuchPage(Int, pages: Int)
    /// A visible signature's box is smaller than allowed or not on the page.
    case outsidePage
    /// The text marker (`tag_koordinat`) is not printed in the document.
    case markerNotFound(String)
}
