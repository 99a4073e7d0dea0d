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
            let (status, messageKey) = Self.classify(error)
            if status == .serviceUnavailable, DatabaseUnavailable.matches(error) {
                request.logger.warning("database unavailable", metadata: ["error": "\(DatabaseUnavailable.summary(error))"])
            } else if status == .internalServerError {
                request.logger.error("unhandled error", metadata: ["error": "\(LogSafe.field(String(reflecting: error), limit: 1000))"])
            }
            let message = request.localized(messageKey)
            if request.url.path.hasPrefix("/api/") || request.headers.accept.mediaTypes.first == .json {
                let code = (error as? DomainError)?.code ?? "http_\(status.code)"
                let response = Response(status: status)
                Self.addRetryAfter(to: response, for: error)
                try response.content.encode(["error": ["code": code, "message": message, "request_id": request.id]], as: .json)
                return response
            }
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
        if DatabaseUnavailable.matches(error) {
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(DatabaseUnavailable.retryAfterSeconds)")
        }
    }

    static func classify(_ error: any Error) -> (HTTPStatus, String) {
        if let domain = error as? DomainError {
            switch domain {
            case .forbidden, .csrfFailed: return (.forbidden, "error_\(domain.code)")
            case DomainError("unauthenticated"): return (.unauthorized, "error_unauthenticated")
            case .notFound: return (.notFound, "error_not_found")
            case .staleVersion: return (.conflict, "error_stale_version")
            case .caNotInitialized: return (.serviceUnavailable, "error_ca_not_initialized")
            default:
                return (.badRequest, Localizer.has("error_\(domain.code)") ? "error_\(domain.code)" : "error_bad_request")
            }
        }
        if let pki = error as? PKIError {
            return (.unprocessableEntity, Localizer.has("error_\(pki.code)") ? "error_\(pki.code)" : "error_bad_request")
        }
        if let abort = error as? any AbortError {
            switch abort.status {
            case .notFound: return (.notFound, "error_not_found")
            case .forbidden, .unauthorized: return (.forbidden, "error_forbidden")
            case .payloadTooLarge: return (.payloadTooLarge, "error_request_too_large")
            case .internalServerError: return (.internalServerError, "error_server")
            default:
                return (abort.status, abort.status.code >= 500 ? "error_server" : "error_bad_request")
            }
        }
        if error is DecodingError { return (.badRequest, "error_bad_request") }
        if DatabaseUnavailable.matches(error) { return (.serviceUnavailable, "error_database_unavailable") }
        return (.internalServerError, "error_server")
    }
}
