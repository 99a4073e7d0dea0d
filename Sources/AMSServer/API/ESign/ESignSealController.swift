import AMSCore
import Vapor

/// The national e-signature API's electronic seal (`../shared/ESIGN-API.md`), for an application of the seal's own
/// agency: `/api/v2/seal/get/activation` with `idSubscriber` alone mails an activation code to the agency's listed
/// sealers, and with that code as `totp` answers the activation (`totp`, the application's secret: shown once);
/// `/seal/revoke/activation` ends it; `/seal/get/totp` turns the activation into a single-use code for `data` files;
/// `/seal/pdf` seals up to that many files, like `/api/v2/sign/pdf`. Errors are `{"error", "status_code"}`.
struct ESignSealController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let seal = routes.grouped("api", "v2", "seal").grouped(ESignError.Middleware(), ESignAuthenticator())
        seal.post("get", "activation", use: activation)
        seal.post("revoke", "activation", use: endActivation)
        seal.post("get", "totp", use: batchCode)
        seal.on(.POST, "pdf", bodyLimit: ESignV2Controller.bodyLimit, use: sealDocuments)
    }

    struct ActivationBody: Content {
        var idSubscriber: String?
        var totp: String?
    }

    struct ActivationAnswer: Content {
        let idSubscriber: String
        let message: String
        /// The activation code's expiry (first step), nil once activated.
        let expired: Date?
        /// The activation (second step): the application keeps it and sends it as `totp` to the other seal calls.
        let totp: String?
    }

    struct BatchBody: Content {
        var idSubscriber: String?
        var data: LenientNumber?
        var totp: String?
    }

    struct BatchAnswer: Content {
        let idSubscriber: String
        let message: String
        let data: Int
        let totp: String
        let expired: Date
    }

    struct SealBody: Content {
        var idSubscriber: String?
        var totp: String?
        var signatureProperties: [ESignV2Controller.Properties]?
        var file: [String]?
    }

    struct Message: Content {
        let message: String
    }

    func service(_ req: Request) -> SealService {
        SealService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }

    /// The seal the body names, in the calling application's agency.
    func seal(_ req: Request, _ idSubscriber: String?, key: APIKeyModel) async throws -> SealModel {
        guard let id = idSubscriber?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            throw ESignError.invalid("idSubscriber: the seal's id (SEAL-…), as AMS shows it to the agency.")
        }
        return try await translated { try await service(req).seal(idSubscriber: id, for: key) }
    }

    @Sendable func activation(req: Request) async throws -> ActivationAnswer {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(ActivationBody.self)
        let seal = try await seal(req, body.idSubscriber, key: key)
        let context = req.auditContext.actingAsAPI(key)
        guard let code = body.totp?.nilIfEmpty else {
            let expires = try await translated { try await service(req).mailActivationCode(seal, key: key, context: context) }
            return ActivationAnswer(idSubscriber: seal.idSubscriber,
                                    message: "An activation code was sent to the seal's sealers; send it as totp to activate.", expired: expires, totp: nil)
        }
        let secret = try await translated { try await service(req).activate(seal, code: code, key: key, context: context) }
        return ActivationAnswer(idSubscriber: seal.idSubscriber,
                                message: "The seal is active for this application; keep this totp: it is shown once.", expired: nil, totp: secret)
    }

    @Sendable func endActivation(req: Request) async throws -> Message {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(ActivationBody.self)
        let seal = try await seal(req, body.idSubscriber, key: key)
        guard let secret = body.totp?.nilIfEmpty else { throw ESignError.invalid("totp: the activation to end.") }
        try await translated { try await service(req).endActivation(seal, secret: secret, key: key, context: req.auditContext.actingAsAPI(key)) }
        return Message(message: "The activation ended; its codes work no more.")
    }

    @Sendable func batchCode(req: Request) async throws -> BatchAnswer {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(BatchBody.self)
        let seal = try await seal(req, body.idSubscriber, key: key)
        guard let count = body.data?.value.map({ Int($0) }), (1...SealService.maximumDocuments).contains(count) else {
            throw ESignError.invalid("data: the number of files the code is for, 1 to \(SealService.maximumDocuments).")
        }
        guard let secret = body.totp?.nilIfEmpty else { throw ESignError.invalid("totp: the application's activation.") }
        let (code, expires) = try await translated {
            try await service(req).batchCode(seal, documents: count, secret: secret, key: key, context: req.auditContext.actingAsAPI(key))
        }
        return BatchAnswer(idSubscriber: seal.idSubscriber, message: "Send this totp to /api/v2/seal/pdf with up to \(count) file(s); it works once.",
                           data: count, totp: code, expired: expires)
    }

    @Sendable func sealDocuments(req: Request) async throws -> ESignV2Controller.SignAnswer {
        let started = Date()
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(SealBody.self)
        let seal = try await seal(req, body.idSubscriber, key: key)
        let files = body.file ?? []
        guard !files.isEmpty else { throw ESignError.invalid("file: one or more PDFs, base64.") }
        guard let code = body.totp?.nilIfEmpty else { throw ESignError.invalid("totp: the code /api/v2/seal/get/totp gave for these files.") }
        let documents = try ESignV2Controller.documents(files, properties: body.signatureProperties ?? [],
                                                        timeZone: try await AgencyModel.timeZone(of: seal.$agency.id, on: req.db))
        let sealed = try await translated {
            try await service(req).seal(documents, seal: seal, code: code, key: key, context: req.auditContext.actingAsAPI(key))
        }
        return ESignV2Controller.SignAnswer(time: Int(Date().timeIntervalSince(started) * 1000), file: sealed.map { Data($0.bytes).base64EncodedString() })
    }

    /// The seal service's refusals in the API's words.
    func translated<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as SealService.Failure {
            switch failure {
            case .notFound:
                throw ESignError(status: .notFound, code: 2012, message: "No seal with this idSubscriber in this application's agency.")
            case .notActive:
                throw ESignError(status: .conflict, code: 4092, message: "The seal is not active (still requested, refused, revoked or expired).")
            case .noSealers:
                throw ESignError(status: .conflict, code: 4093,
                                 message: "Nobody is listed to receive the seal's activation code; the agency's operator adds sealers in AMS.")
            case .wrongCode:
                throw ESignError(status: .badRequest, code: 2031, message: "The code or the activation is wrong, used or expired.")
            case .tooManyDocuments(let allowed):
                throw ESignError.invalid("file: this code seals at most \(allowed) file(s).")
            }
        }
    }
}
