import AMSCore
import AMSPKI
import Fluent
import Vapor

/// "Tanda tangani dokumen": a holder with a certificate whose key AMS keeps signs PDFs in the browser — asks for a
/// code by mail, then uploads one or several documents with the passphrase and the code, and downloads them signed
/// (one PDF, or a ZIP of several).
struct SigningController: RouteCollection {
    /// One request carries at most this much: a document of the largest size, a specimen image and the form.
    let bodyLimit: Int
    let preview: PDFPreviewController

    init(maximumDocumentBytes: Int, preview: PDFPreviewController) {
        bodyLimit = maximumDocumentBytes + 2 * 1024 * 1024
        self.preview = preview
    }

    func boot(routes: any RoutesBuilder) throws {
        let holders = routes.grouped("sign").grouped(RequireSignedInMiddleware(),
                                                     RequirePermissionMiddleware { Permissions.canRequestCertificate(actor: $0) })
        holders.get(use: show)
        holders.post("code", use: mailCode)
        holders.on(.POST, bodyLimit: bodyLimit, use: sign)
    }

    func service(_ req: Request) -> SigningService {
        SigningService(services: req.ams, database: req.db, threadPool: req.application.threadPool)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, form: [:], errors: FormErrors(), status: .ok)
    }

    func render(_ req: Request, form: [String: String], errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let holder = try req.requireUser()
        let state: String?
        switch try await service(req).readiness(of: holder) {
        case .ready: state = nil
        case .locked(let until): state = req.localized("sign_state_locked", ["time": DisplayFormat.timestamp(until, in: req.readerTimeZone)])
        case let other: state = req.localized("sign_state_\(Self.stateKey(other))")
        }
        let maximumMB = service(req).maximumDocumentBytes >> 20
        let chosen = Int(form["documentCount"] ?? "") ?? 1
        let counts = (1...Self.maximumDocuments).map { SelectOption(value: String($0), label: String($0), selected: $0 == chosen) }
        let positions = Self.positions.map { position in
            SelectOption(value: position, label: req.localized("sign_position_" + position.replacingOccurrences(of: "-", with: "_")),
                         selected: position == (form["position"] ?? "bottom-right"))
        }
        let authenticator = try await AuthenticatorService(services: req.ams, database: req.db).isEnrolled(holder)
        return try await req.renderPage("sign", titleKey: "sign_title", page: SignPage(
            ready: state == nil, state: state, counts: counts, form: form, errors: errors,
            documentsHelp: req.localized("sign_documents_help", ["mb": String(maximumMB)]), positions: positions,
            visible: form["appearance"] == "visible", previewScript: preview.scriptBase ?? "", qr: form["qr"] != "off",
            authenticator: authenticator),
            status: status)
    }

    static func stateKey(_ readiness: SigningService.Readiness) -> String {
        switch readiness {
        case .ready: "ready"
        case .noCertificate: "no_certificate"
        case .expired: "expired"
        case .revoked: "revoked"
        case .ownKeyOnly: "own_key_only"
        case .reverificationPending: "reverification_pending"
        case .locked: "locked"
        }
    }

    @Sendable func mailCode(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        let count = (try? req.content.decode(CodeForm.self))?.documentCount ?? 1
        do {
            try await service(req).mailCode(to: holder, documents: count, context: req.auditContext)
        } catch let invalid as ValidationError {
            return try await render(req, form: ["documentCount": String(count)], errors: req.formErrors(invalid), status: .unprocessableEntity)
        }
        return req.redirect(to: "/sign?notice=signing_code_sent")
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let holder = try req.requireUser()
        let form = try req.content.decode(SignForm.self)
        let files = (form.documents ?? []).filter { $0.data.readableBytes > 0 }
        var kept = ["reason": form.reason.clipped(FieldLimit.reason), "location": form.location.clipped(FieldLimit.reason)]
        for (key, value) in [("appearance", form.appearance), ("position", form.position), ("page", form.page), ("marker", form.marker),
                             ("x", form.x), ("y", form.y), ("width", form.width), ("height", form.height)] {
            kept[key] = value.clipped(80)
        }
        kept["qr"] = form.qr == nil ? "off" : "on"
        let level = form.level.flatMap { SignatureLevel(loosely: $0) } ?? .bT
        kept["level"] = level.rawValue
        do {
            let visible = try form.visible(locale: req.locale, timeZone: req.readerTimeZone)
            guard files.count <= Self.maximumDocuments else {
                throw ValidationError(fields: ["documents": .init("error_signing_document_count", ["max": String(Self.maximumDocuments)])])
            }
            let documents = files.map {
                SigningService.Document(name: $0.filename, bytes: Array($0.data.readableBytesView), visible: visible,
                                        reason: kept["reason"]?.nilIfEmpty, location: kept["location"]?.nilIfEmpty, level: level)
            }
            let signed = try await service(req).sign(documents, holder: holder, passphrase: form.passphrase ?? "", code: form.code ?? "",
                                                     context: req.auditContext)
            let response = Self.download(signed)
            // the page's script waits for this cookie to know the download came (the page itself does not reload)
            if let token = form.downloadToken, token.count <= 64, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                response.cookies[Cookies.download] = Cookies.downloadDone(token, secure: req.ams.configuration.cookieSecure)
            }
            return response
        } catch let invalid as ValidationError {
            return try await render(req, form: kept, errors: req.formErrors(invalid), status: .unprocessableEntity)
        } catch let refused as DomainError where [.signingCredentialsWrong, .signingLocked, .signingUnavailable].contains(refused.code) {
            var errors = FormErrors()
            errors.summary = ErrorMapping(refused).message(req.locale)
            return try await render(req, form: kept, errors: errors, status: ErrorMapping(refused).status)
        }
    }

    /// Documents one signing on the web takes (the national API's bulk takes more).
    static let maximumDocuments = 10

    static let positions = SignatureAppearance.Corner.allCases.map(\.rawValue) + ["marker", "custom"]

    /// One signed PDF as itself; several as a ZIP.
    static func download(_ signed: [SigningService.Signed]) -> Response {
        let (name, bytes, type) = signed.count == 1
            ? (signed[0].name, signed[0].bytes, "application/pdf")
            : ("dokumen-ttd.zip", ZipArchive.stored(signed.map { ($0.name, $0.bytes) }), "application/zip")
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        var attributeCharacters = CharacterSet.alphanumerics
        attributeCharacters.insert(charactersIn: "-._~")  // RFC 5987 attr-char
        let encoded = name.addingPercentEncoding(withAllowedCharacters: attributeCharacters) ?? "dokumen-ttd.pdf"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"dokumen-ttd\(type == "application/zip" ? ".zip" : ".pdf")\"; filename*=UTF-8''\(encoded)")
        return response
    }
}
