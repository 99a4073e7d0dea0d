import AMSPKI
import AMSCore
import Vapor

/// Turns every error into a localised page (or JSON for API clients) with a status and the request id, and
/// nothing internal: no stack, no SQL, no secret.
struct ErrorPageMiddleware: AsyncMiddleware {
    struct ErrorPage: Encodable {
        let status: Int
        let heading: String
        let message: String
        let requestID: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let mapping = ErrorMapping(error)
            let status = mapping.status
            // shutting down: the page needs the services, and the client has gone anyway
            guard request.application.isServing else {
                let response = Response(status: status)
                Self.addRetryAfter(to: response, for: error)
                return response
            }
            if status == .serviceUnavailable, DatabaseUnavailable.matches(error) {
                request.logger.warning("database unavailable", metadata: ["error": "\(DatabaseUnavailable.summary(error))"])
                request.ams.metrics.databaseUnavailable(DatabaseUnavailable.kind(error))
            } else if status == .serviceUnavailable, ServerStopping.matches(error) {
                request.logger.warning("stopping: the request outlasted the wait for those in flight")
            } else if status == .internalServerError {
                request.logger.error("unhandled error", metadata: ["error": "\(LogSafe.field(String(reflecting: error), limit: 1000))"])
            }
            if request.url.path.hasPrefix("/api/") || request.headers.accept.mediaTypes.first == .json {
                let response = try mapping.apiResponse(requestID: request.id)
                Self.addRetryAfter(to: response, for: error)
                return response
            }
            let message = mapping.message(request.locale)
            let headingKey = [400, 403, 404, 413, 500, 503].contains(Int(status.code)) ? "errorpage_title_\(status.code)" : "errorpage_title_other"
            let page = ErrorPage(status: Int(status.code), heading: request.localized(headingKey), message: message, requestID: request.id)
            let response: Response
            do {
                response = try await request.renderPage("error", titleKey: headingKey, page: page, status: status)
            } catch {
                response = Response(status: status, body: .init(string: "\(status.code) \(message)"))
                response.headers.contentType = .plainText
            }
            Self.addRetryAfter(to: response, for: error)
            return response
        }
    }

    private static func addRetryAfter(to response: Response, for error: any Error) {
        if DatabaseUnavailable.matches(error) || ServerStopping.matches(error) {
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(DatabaseUnavailable.retryAfterSeconds)")
        } else if let domain = error as? DomainError, let seconds = retryAfterSeconds[domain.code] {
            response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
        }
    }

    /// Refusals that pass with time: when to try again.
    private static let retryAfterSeconds: [DomainError.Code: Int] = [.tooManySubmissions: 3600, .storageFull: 600, .tooManyUploads: 30, .serverBusy: 30]
}
