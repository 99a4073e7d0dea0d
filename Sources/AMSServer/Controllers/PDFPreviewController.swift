import Vapor

/// Serves pdf.js from Debian's `libjs-pdf` (`/usr/share/javascript/pdf/build`) for the signing page's preview, when
/// it is installed; only its two scripts, nothing else from the folder. Without it the page works without preview.
struct PDFPreviewController: RouteCollection {
    static let files = ["pdf.js", "pdf.worker.js"]
    let directory: String

    /// Where the page loads the scripts from, or nil when pdf.js is not installed.
    var scriptBase: String? {
        Self.files.allSatisfy { FileManager.default.isReadableFile(atPath: directory + "/" + $0) } ? "/vendor/pdfjs" : nil
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("vendor", "pdfjs", ":file", use: script)
    }

    @Sendable func script(req: Request) async throws -> Response {
        guard let name = req.parameters.get("file"), Self.files.contains(name), scriptBase != nil else { throw Abort(.notFound) }
        let response = try await req.fileio.asyncStreamFile(at: directory + "/" + name)
        response.headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return response
    }
}
