import AMSCore
import AMSPKI
import Vapor

/// How any error reaches people and programs, decided in one place: the HTTP status, the stable code an API client
/// reads, and the localisation key (with arguments) of the message a person reads. The error middleware, the
/// controllers that re-render a form and the JSON API all ask here.
struct ErrorMapping: Sendable {
    let status: HTTPStatus
    let code: String
    let messageKey: String
    var arguments: [String: String] = [:]
    /// Per-field messages of a ``ValidationError``.
    var fields: [String: ValidationError.Message] = [:]

    init(status: HTTPStatus, code: String, messageKey: String, arguments: [String: String] = [:],
         fields: [String: ValidationError.Message] = [:]) {
        self.status = status
        self.code = code
        self.messageKey = messageKey
        self.arguments = arguments
        self.fields = fields
    }

    init(_ error: any Error) {
        switch error {
        case let domain as DomainError:
            self.init(code: domain.code)
        case let workflow as WorkflowError:
            self.init(code: workflow.code)
        case let invalid as ValidationError:
            self.init(status: .unprocessableEntity, code: "invalid_request", messageKey: "error_form_has_errors", fields: invalid.fields)
        case let pki as PKIError:
            self.init(status: .unprocessableEntity, code: pki.code, messageKey: Self.messageKey(for: pki.code))
        case let abort as any AbortError:
            switch abort.status {
            case .notFound: self.init(code: .notFound)
            case .forbidden, .unauthorized: self.init(code: .forbidden)
            case .payloadTooLarge: self.init(http: .payloadTooLarge, messageKey: "error_request_too_large")
            default: self.init(http: abort.status, messageKey: abort.status.code >= 500 ? "error_server" : "error_bad_request")
            }
        case is DecodingError:
            self.init(http: .badRequest, messageKey: "error_bad_request")
        case _ where DatabaseUnavailable.matches(error):
            self.init(http: .serviceUnavailable, messageKey: "error_database_unavailable")
        case _ where ServerStopping.matches(error):
            self.init(http: .serviceUnavailable, messageKey: "error_shutting_down")
        default:
            self.init(http: .internalServerError, messageKey: "error_server")
        }
    }

    /// A failure outside the domain (HTTP, decoding, the database, a fault): its code is `http_<status>`.
    private init(http status: HTTPStatus, messageKey: String) {
        self.init(status: status, code: "http_\(status.code)", messageKey: messageKey)
    }

    /// The status and message of a domain refusal.
    init(code: DomainError.Code) {
        let status: HTTPStatus = switch code {
        case .unauthenticated, .invalidCredentials: .unauthorized
        case .forbidden, .csrfFailed, .staffNIKMissing: .forbidden
        case .notFound: .notFound
        // the record's state does not allow it (now)
        case .staleVersion, .transitionNotAllowed, .accountExists, .certificateRequestOpen, .certificateNotPending, .certificateNotAwaitingHolder,
             .certificateNotActive, .renewalNotOpen, .reverificationRequired, .identityNotVerified: .conflict
        // the input cannot be carried out as given
        case .reasonRequired, .certificateSubjectInvalid, .tooManySelected, .invalidStatus, .checklistIncomplete: .unprocessableEntity
        case .caNotInitialized, .storageFull, .serverBusy: .serviceUnavailable
        case .tooManySubmissions, .tooManyUploads, .signingLocked: .tooManyRequests
        case .signingUnavailable: .conflict
        case .signingCredentialsWrong: .unprocessableEntity
        case .bodyTooSlow: .requestTimeout
        case .mailDomainFull: .unprocessableEntity
        case .auditHeadMissing: .internalServerError
        default: .badRequest
        }
        self.init(status: status, code: code.rawValue, messageKey: Self.messageKey(for: code.rawValue))
    }

    /// `error_<code>` where the localisation table has it, else the generic message.
    private static func messageKey(for code: String) -> String {
        Localizer.has("error_\(code)") ? "error_\(code)" : "error_bad_request"
    }

    /// The message in `locale`.
    func message(_ locale: AppLocale) -> String {
        Localizer.text(messageKey, locale, arguments)
    }

    /// The API's error body: `{"error": {"code", "message", "request_id", "fields"?}}`, messages in English.
    func apiResponse(requestID: String) throws -> Response {
        let response = Response(status: status)
        try response.content.encode(APIErrorBody(error: .init(
            code: code, message: message(.en), requestID: requestID,
            fields: fields.isEmpty ? nil : fields.mapValues { Localizer.text($0.key, .en, $0.arguments) })), as: .json)
        return response
    }

    struct APIErrorBody: Content {
        struct Detail: Content {
            let code: String
            let message: String
            let requestID: String
            let fields: [String: String]?

            enum CodingKeys: String, CodingKey {
                case code, message, fields
                case requestID = "request_id"
            }
        }

        let error: Detail
    }
}

extension Request {
    /// The form errors of a ``ValidationError`` in this request's language, with the summary on top.
    func formErrors(_ invalid: ValidationError) -> FormErrors {
        FormErrors(fields: invalid.fields.mapValues { localized($0.key, $0.arguments) }, summary: localized("error_form_has_errors"))
    }

    /// The message of any error in this request's language.
    func errorMessage(_ error: any Error) -> String {
        ErrorMapping(error).message(locale)
    }
}
