import Foundation
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. The document itself is a resource
/// file (`Resources/OpenAPI/api-v1.json`, validated by the suite with openapi-spec-validator); `{{BASE_URL}}` in it
/// becomes the configured public address.
enum OpenAPIDocument {
    /// Where the document is, within the resources folder.
    static let path = "OpenAPI/api-v1.json"

    static func json(for req: Request) async throws -> String {
        let path = req.application.directory.resourcesDirectory + Self.path
        let template = String(buffer: try await req.fileio.collectFile(at: path))
        return template.replacingOccurrences(of: "{{BASE_URL}}", with: req.ams.configuration.publicBaseURL)
    }
}
