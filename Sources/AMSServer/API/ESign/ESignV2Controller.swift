import AMSCore
import Fluent
import Vapor

/// The national e-signature API, v2 (JSON, files as base64): bulk signing with one key opening and each file's own
/// properties, the mailed code for a number of files, the signer's status in nine words, and a registration started
/// for a person (an invitation to SOP step 1). Errors are `{"error", "status_code"}`; a bulk answers with every file or with the error naming the
/// one that failed — never a file inside an error.
struct ESignV2Controller: RouteCollection {
    /// One call carries at most this much JSON (files as base64).
    static let bodyLimit = 64 * 1024 * 1024

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v2").grouped(ESignError.Middleware(), ESignAuthenticator())
        api.on(.POST, "sign", "pdf", bodyLimit: Self.bodyLimit, use: sign)
        api.post("sign", "get", "totp", use: mailCode)
        api.post("user", "check", "status", use: status)
        api.post("user", "registration", use: register)
    }

    struct Signer: Content {
        var nik: String?
        var email: String?
    }

    struct Properties: Content {
        var tampilan: String?
        var imageBase64: String?
        var page: LenientNumber?
        var originX: LenientNumber?
        var originY: LenientNumber?
        var width: LenientNumber?
        var height: LenientNumber?
        var tagKoordinat: String?
        var location: String?
        var reason: String?
        var pdfPassword: String?
        /// AMS's addition: `B-T` (default), `B-LT` or `B-LTA`.
        var signatureLevel: String?

        enum CodingKeys: String, CodingKey {
            case tampilan, imageBase64, page, originX, originY, width, height, location, reason, pdfPassword, signatureLevel
            case tagKoordinat = "tag_koordinat"
        }
    }

    struct SignBody: Content {
        var nik: String?
        var email: String?
        var passphrase: String?
        var totp: String?
        var signatureProperties: [Properties]?
        var file: [String]?
    }

    struct SignAnswer: Content {
        /// Milliseconds the call took.
        let time: Int
        let file: [String]
    }

    @Sendable func sign(req: Request) async throws -> SignAnswer {
        let started = Date()
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(SignBody.self)
        let files = body.file ?? []
        guard !files.isEmpty else { throw ESignError.invalid("file: one or more PDFs, base64.") }
        let signing = ESignSigning(req, key: key)
        let holder = try await signing.holder(nik: body.nik, email: body.email)
        let documents = try Self.documents(files, properties: body.signatureProperties ?? [],
                                           timeZone: try await AgencyModel.timeZone(of: holder.$agency.id, on: req.db))
        let signed = try await signing.sign(documents, holder: holder, passphrase: body.passphrase, totp: body.totp)
        return SignAnswer(time: Int(Date().timeIntervalSince(started) * 1000), file: signed.map { Data($0.bytes).base64EncodedString() })
    }

    /// The files of a v2 call as documents, each with its properties (one set for all, or one per file); a file or a
    /// property that cannot be used is refused naming it.
    static func documents(_ files: [String], properties: [Properties], timeZone: AgencyTimeZone) throws -> [SigningService.Document] {
        guard properties.count == files.count || properties.count <= 1 else {
            throw ESignError.invalid("signatureProperties: one for every file (\(files.count)), or one for all; \(properties.count) given.")
        }
        var documents: [SigningService.Document] = []
        for (index, encoded) in files.enumerated() {
            let name = "file[\(index)]"
            guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw ESignError.invalid("\(name): not base64.")
            }
            let chosen = properties.count == files.count ? properties[index] : properties.first ?? Properties()
            var specimen: [UInt8]?
            if let image = chosen.imageBase64?.nilIfEmpty {
                guard let decoded = Data(base64Encoded: image, options: .ignoreUnknownCharacters) else {
                    throw ESignError.invalid("signatureProperties[\(index)].imageBase64: not base64.")
                }
                specimen = Array(decoded)
            }
            let appearance = ESignAppearanceRequest(
                tampilan: chosen.tampilan, page: chosen.page?.value, x: chosen.originX?.value, y: chosen.originY?.value,
                width: chosen.width?.value, height: chosen.height?.value, marker: chosen.tagKoordinat, specimen: specimen, link: nil,
                names: ("originX", "originY", "signatureProperties[\(index)].imageBase64"))
            let visible: SigningService.Visible?
            do {
                visible = try appearance.visible(locale: .default, timeZone: timeZone)
            } catch let error as ESignError {
                throw ESignError.invalid("\(name): " + error.message)
            }
            documents.append(SigningService.Document(name: name, bytes: Array(bytes), visible: visible,
                                                     reason: chosen.reason.clipped(FieldLimit.reason).nilIfEmpty,
                                                     location: chosen.location.clipped(FieldLimit.reason).nilIfEmpty,
                                                     level: try ESignSigning.level(chosen.signatureLevel,
                                                                                   field: "signatureProperties[\(index)].signatureLevel")))
        }
        return documents
    }

    struct CodeBody: Content {
        var nik: String?
        var email: String?
        var data: LenientNumber?
    }

    struct CodeAnswer: Content {
        let message: String
        let data: Int
        let expired: Date
    }

    @Sendable func mailCode(req: Request) async throws -> CodeAnswer {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(CodeBody.self)
        guard let count = body.data?.value.map({ Int($0) }), (1...SigningService.maximumDocuments).contains(count) else {
            throw ESignError.invalid("data: the number of files the code is for, 1 to \(SigningService.maximumDocuments).")
        }
        let service = ESignService(services: req.ams, database: req.db)
        let holder = try await service.signer(nik: body.nik, email: body.email, key: key)
        let status = try await service.status(of: holder)
        guard status == .issue else { throw ESignError.cannotSign(status) }
        try await SigningService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
            .mailCode(to: holder, documents: count, context: req.auditContext.actingAsAPI(key))
        return CodeAnswer(message: "The code was sent to the signer's e-mail; it signs \(count) file(s) once.", data: count,
                          expired: req.ams.clock.now.addingTimeInterval(SigningService.codeLifetime))
    }

    struct StatusAnswer: Content {
        let status: String
        let message: String
    }

    @Sendable func status(req: Request) async throws -> StatusAnswer {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(Signer.self)
        guard body.nik?.nilIfEmpty != nil || body.email?.nilIfEmpty != nil else { throw ESignError.signerMissing }
        let status = try await ESignService(services: req.ams, database: req.db).status(nik: body.nik, email: body.email, key: key)
        return StatusAnswer(status: status.rawValue, message: ESignStatusText.message(status))
    }

    struct RegistrationBody: Content {
        var nama: String?
        var email: String?
    }

    @Sendable func register(req: Request) async throws -> Response {
        let key = try ESignAuthenticator.client(req)
        let body = try req.content.decode(RegistrationBody.self)
        let service = ESignService(services: req.ams, database: req.db)
        let current = try await service.status(nik: nil, email: body.email, key: key)
        guard current == .notRegistered else {
            return try await StatusAnswer(status: current.rawValue, message: "Already known to AMS: " + ESignStatusText.message(current))
                .encodeResponse(status: .conflict, for: req)
        }
        try await service.invite(name: body.nama ?? "", email: body.email ?? "", key: key, context: req.auditContext.actingAsAPI(key))
        return try await StatusAnswer(status: SignerStatus.waitingForVerification.rawValue,
                                      message: "Registration started: AMS mailed the person a link to your agency's request form with their name and "
                                          + "e-mail filled in (valid 7 days); the SOP continues there with their recommendation letter and job decree.")
            .encodeResponse(status: .accepted, for: req)
    }
}
