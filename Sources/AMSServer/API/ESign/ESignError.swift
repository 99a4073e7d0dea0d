import AMSCore
import Vapor

/// An error of the national e-signature API: HTTP status plus the JSON body `{"error": "<message>", "status_code":
/// <number>}`. The numbers the national service documents are kept (2011 signer not registered, 2031 wrong passphrase
/// or code); the others are AMS's own and stable (listed in the OpenAPI document).
struct ESignError: Error, Sendable, Equatable {
    let status: HTTPStatus
    let code: Int
    let message: String

    static func notRegistered(_ who: String) -> ESignError {
        ESignError(status: .notFound, code: 2011, message: "The signer \(who) is not registered in AMS for this agency.")
    }
    static let wrongCredentials = ESignError(status: .badRequest, code: 2031, message: "The passphrase or the code is wrong.")
    static let unauthenticated = ESignError(status: .unauthorized, code: 4010,
                                            message: "Unknown, revoked or disabled application credential (HTTP Basic: the key's prefix and the key).")
    static let addressNotAllowed = ESignError(status: .forbidden, code: 4030, message: "This application may not call from this address.")
    static let otherAgency = ESignError(status: .forbidden, code: 4031,
                                        message: "The signer belongs to another agency; this application signs only for its own agency's holders.")
    static let tooManyRequests = ESignError(status: .tooManyRequests, code: 4290, message: "Too many requests from this application; try again in a minute.")
    static let downloadGone = ESignError(status: .notFound, code: 4040,
                                         message: "No signed document with this id_dokumen: it was downloaded already, or its 10 minutes are over.")
    static let passphraseRequired = ESignError(status: .badRequest, code: 4002,
        message: "AMS needs the passphrase as well as the code: the signer's key is kept wrapped under the passphrase, and the code is the second factor.")
    static let secondFactorRequired = ESignError(status: .badRequest, code: 4003,
        message: "A second factor is required: ask /api/v2/sign/get/totp for a code (or use the signer's authenticator app) and send it as totp.")
    static let signerMissing = ESignError(status: .badRequest, code: 4004, message: "Name the signer by nik or by email.")
    static let signingLocked = ESignError(status: .locked, code: 4230,
                                          message: "Signing is locked for 30 minutes after five wrong passphrases or codes.")
    static let internalError = ESignError(status: .internalServerError, code: 5000, message: "AMS could not complete the request; nothing was signed.")

    static func invalid(_ message: String) -> ESignError {
        ESignError(status: .badRequest, code: 4000, message: message)
    }

    static func cannotSign(_ status: SignerStatus) -> ESignError {
        ESignError(status: .conflict, code: 4090, message: "The signer cannot sign now: \(status.rawValue) (\(ESignStatusText.message(status))).")
    }

    /// Any error met on these routes in the API's shape; nothing internal in the message.
    static func from(_ error: any Error) -> ESignError {
        switch error {
        case let known as ESignError:
            return known
        case let domain as DomainError:
            switch domain.code {
            case .signingCredentialsWrong: return .wrongCredentials
            case .signingLocked: return .signingLocked
            case .unauthenticated: return .unauthenticated
            case .forbidden: return .otherAgency
            case .notFound: return .downloadGone
            default:
                let mapped = ErrorMapping(error)
                return ESignError(status: mapped.status, code: Int(mapped.status.code) * 10, message: mapped.message(.en))
            }
        case let invalid as ValidationError:
            let details = invalid.fields.sorted { $0.key < $1.key }.map { "\($0.key): " + Localizer.text($0.value.key, .en, $0.value.arguments) }
            return .invalid(details.joined(separator: " "))
        case let abort as any AbortError where abort.status == .payloadTooLarge:
            return ESignError(status: .payloadTooLarge, code: 4130, message: "The request is larger than AMS accepts.")
        case let decoding as DecodingError:
            let path: [any CodingKey] = switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
                context.codingPath
            @unknown default: []
            }
            let field = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }
            return .invalid(field.isEmpty ? "The request body could not be read: send the fields this endpoint documents."
                                          : "\(field): not the kind of value this endpoint documents.")
        default:
            let mapped = ErrorMapping(error)
            return mapped.status.code < 500
                ? ESignError(status: mapped.status, code: Int(mapped.status.code) * 10, message: mapped.message(.en)) : .internalError
        }
    }

    var response: Response {
        let response = Response(status: status)
        response.headers.contentType = .json
        let body = try? JSONSerialization.data(withJSONObject: ["error": message, "status_code": code], options: [.sortedKeys])
        response.body = .init(data: body ?? Data())
        if status == .tooManyRequests { response.headers.replaceOrAdd(name: .retryAfter, value: "60") }
        return response
    }

    /// Answers every error of the routes behind it in the API's shape.
    struct Middleware: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            do {
                return try await next.respond(to: request)
            } catch {
                let mapped = ESignError.from(error)
                if mapped.status.code >= 500 { request.logger.error("e-signature API: \(String(reflecting: type(of: error)))") }
                return mapped.response
            }
        }
    }
}
